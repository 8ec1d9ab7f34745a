"""What the model is told about a risk, taken from the graph: the risk, its AI systems, sources
and consequences, what already answers it, and candidate Annex A controls found through links."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.errors import InputError, Location, UserError
from riskgraph.model.entities import (
    AISystem,
    Consequence,
    Control,
    ControlStatus,
    Entity,
    Organisation,
    Person,
    Risk,
    RiskSource,
    Stakeholder,
    Supplier,
    Treatment,
)
from riskgraph.model.repository import Repository
from riskgraph.scoring import above_appetite
from riskgraph.store.base import Store
from riskgraph.vocab import ISO42001_GRAPH, RG, SKOS

REDACTED = "[redacted]"
MAX_CANDIDATES = 15
MAX_RELATED_CONTROLS = 15
MAX_REASONS = 3


@cache
def annex_c_candidates() -> dict[str, tuple[str, ...]]:
    """Annex C risk source -> Annex A controls worth considering (riskgraph's own mapping)."""
    path = Path(__file__).with_name("annex_c_to_a.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {source: tuple(controls) for source, controls in data["sources"].items()}


def catalogue_key(ref: str) -> tuple[object, ...]:
    """Sort key that puts A.6.2.10 after A.6.2.9."""
    return tuple(int(p) if p.isdigit() else p for p in ref.split("."))


@dataclass(frozen=True)
class Catalogue:
    """Headings of the ISO/IEC 42001 items, by reference ID."""

    annex_a: dict[str, str]
    """Annex A reference controls (not objectives)."""
    all_items: dict[str, str]
    """Every item: clauses, Annex A objectives and controls, Annex C items."""

    @classmethod
    def load(cls, store: Store) -> Catalogue:
        result = store.select(
            "SELECT ?notation ?label ?type WHERE { GRAPH ?g { "
            "?c a ?type ; ?notationP ?notation ; ?labelP ?label } }",
            {
                "g": ox.NamedNode(ISO42001_GRAPH),
                "notationP": ox.NamedNode(SKOS + "notation"),
                "labelP": ox.NamedNode(SKOS + "prefLabel"),
            },
        )
        annex_a: dict[str, str] = {}
        items: dict[str, str] = {}
        for row in result.rows:
            notation, label, type_ = row["notation"], row["label"], row["type"]
            if notation is None or label is None or type_ is None:
                continue
            items[notation.value] = label.value
            if type_.value == RG + "AnnexAControl":
                annex_a[notation.value] = label.value
        return cls(annex_a, items)


@dataclass
class RegisterSnapshot:
    """The entities of a register, read once, for building many contexts and grounding drafts."""

    config: RegisterConfig
    catalogue: Catalogue
    risks: dict[str, Risk] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    treatments: dict[str, Treatment] = field(default_factory=dict)
    systems: dict[str, AISystem] = field(default_factory=dict)
    sources: dict[str, RiskSource] = field(default_factory=dict)
    consequences: dict[str, Consequence] = field(default_factory=dict)
    stakeholders: dict[str, Stakeholder] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    parties: dict[str, Entity] = field(default_factory=dict)
    """People, organisations and suppliers: who can own something."""
    all_ids: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, store: Store, config: RegisterConfig) -> RegisterSnapshot:
        repository = Repository(store, config.general.base_iri)
        snapshot = cls(config, Catalogue.load(store))
        entities, _problems = repository.all()
        snapshot.all_ids = set(repository.ids().values())
        for entity in entities:
            snapshot._index(entity)
        return snapshot

    def _index(self, entity: Entity) -> None:
        by_class: dict[type[Entity], dict[str, Any]] = {
            Risk: self.risks,
            Control: self.controls,
            Treatment: self.treatments,
            AISystem: self.systems,
            RiskSource: self.sources,
            Consequence: self.consequences,
            Stakeholder: self.stakeholders,
            Person: self.people,
        }
        target = by_class.get(type(entity))
        if target is not None:
            target[entity.id] = entity
        if isinstance(entity, Person | Organisation | Supplier):
            self.parties[entity.id] = entity

    def risk(self, risk_id: str) -> Risk:
        risk = self.risks.get(risk_id)
        if risk is None:
            if risk_id in self.all_ids:
                raise UserError(f"{risk_id} is in the register but is not a readable risk")
            raise UserError(f"no risk with ID {risk_id!r} in the register")
        return risk

    def treatments_of(self, risk_id: str) -> list[Treatment]:
        return [t for t in self.treatments.values() if t.risk == risk_id]

    def controls_of(self, risk_id: str) -> list[Control]:
        return [c for c in self.controls.values() if risk_id in c.mitigates]


def _named(ids: Iterable[str], known: dict[str, Any]) -> list[dict[str, str]]:
    return [{"id": i, "title": known[i].title if i in known else i} for i in ids]


@dataclass(frozen=True)
class DraftContext:
    """Everything the prompt says about one risk, as JSON-ready data plus trusted scalars."""

    risk_id: str
    matrix_size: int
    appetite: str
    data: dict[str, Any]

    @property
    def offered_controls(self) -> list[str]:
        """IDs of the controls the prompt offers: the risk's own and the related ones."""
        ids = [
            str(c["id"])
            for section in ("existing_controls", "related_controls")
            for c in self.data.get(section, [])
            if isinstance(c, dict) and "id" in c
        ]
        return list(dict.fromkeys(ids))


def build_context(
    snapshot: RegisterSnapshot, risk_id: str, rejections: list[tuple[str, str]] | None = None
) -> DraftContext:
    """The prompt data for one risk. ``rejections`` are (draft ID, reason) of earlier drafts for
    this risk that a person rejected, so that the next draft can avoid the same mistakes."""
    risk = snapshot.risk(risk_id)
    appetite_rank = snapshot.config.risk.appetite_rank
    residual = risk.residual_level
    data: dict[str, Any] = {
        "risk": {
            "id": risk.id,
            "title": risk.title,
            "description": risk.description,
            "category": risk.category,
            "matrix": risk.matrix,
            "likelihood": risk.likelihood,
            "severity": risk.severity,
            "inherent_level": risk.inherent_level.name,
            "residual_likelihood": risk.residual_likelihood,
            "residual_severity": risk.residual_severity,
            "residual_level": residual.name if residual else None,
            "above_appetite": above_appetite(risk.current_level, appetite_rank),
        },
        "systems": [_system(snapshot, s) for s in risk.affects],
        "sources": [_source(snapshot, s) for s in risk.sources],
        "consequences": [_described(c, snapshot.consequences) for c in risk.consequences],
        "affected_stakeholders": _named(risk.stakeholders, snapshot.stakeholders),
        "existing_controls": [_control(c) for c in snapshot.controls_of(risk.id)],
        "existing_treatments": [
            {
                "id": t.id,
                "title": t.title,
                "option": t.option.value,
                "status": t.status.value,
                "statement": t.statement,
            }
            for t in snapshot.treatments_of(risk.id)
        ],
        "related_controls": related_controls(snapshot, risk),
        "candidate_annex_a": candidate_annex_a(snapshot, risk),
        "previous_rejections": [
            {"draft": draft_id, "reason": reason} for draft_id, reason in rejections or []
        ],
    }
    return DraftContext(
        risk_id=risk.id,
        matrix_size=int(risk.matrix[0]),
        appetite=snapshot.config.risk.appetite,
        data=_drop_none(data),
    )


def _system(snapshot: RegisterSnapshot, system_id: str) -> dict[str, Any]:
    system = snapshot.systems.get(system_id)
    if system is None:
        return {"id": system_id}
    return system_facts(system, _named(system.stakeholders, snapshot.stakeholders))


def system_facts(system: AISystem, stakeholders: list[Any]) -> dict[str, Any]:
    """What a prompt says about an AI system, with its stakeholders as the caller names them."""
    return {
        "id": system.id,
        "title": system.title,
        "description": system.description,
        "purpose": system.purpose,
        "domain": system.domain,
        "lifecycle_stage": system.lifecycle_stage,
        "stakeholders": stakeholders,
    }


def _described(entity_id: str, known: dict[str, Any]) -> dict[str, Any]:
    entity = known.get(entity_id)
    if entity is None:
        return {"id": entity_id}
    return {"id": entity_id, "title": entity.title, "description": entity.description}


def _source(snapshot: RegisterSnapshot, ref: str) -> dict[str, Any]:
    if ref in snapshot.sources:
        return _described(ref, snapshot.sources)
    if ref.startswith("C.") and ref in snapshot.catalogue.all_items:
        return {"id": ref, "title": snapshot.catalogue.all_items[ref], "annex_c": True}
    return {"id": ref}


def _control(control: Control) -> dict[str, Any]:
    return {
        "id": control.id,
        "title": control.title,
        "description": control.description,
        "status": control.status.value,
        "addresses": list(control.addresses),
    }


def _related_risks(snapshot: RegisterSnapshot, risk: Risk) -> dict[str, str]:
    """Other risks linked to this one, with why: same AI system or same risk source."""
    related: dict[str, str] = {}
    for other in snapshot.risks.values():
        if other.id == risk.id:
            continue
        if shared := sorted(set(other.affects) & set(risk.affects)):
            related[other.id] = f"same AI system {shared[0]}"
        elif shared := sorted(set(other.sources) & set(risk.sources)):
            related[other.id] = f"shares risk source {shared[0]}"
    return related


def related_controls(snapshot: RegisterSnapshot, risk: Risk) -> list[dict[str, Any]]:
    """Controls (not retired) that answer related risks but not this one."""
    related = _related_risks(snapshot, risk)
    found: list[tuple[int, str, dict[str, Any]]] = []
    for control in snapshot.controls.values():
        if risk.id in control.mitigates or control.status is ControlStatus.RETIRED:
            continue
        links = sorted(r for r in control.mitigates if r in related)
        if not links:
            continue
        entry = _control(control)
        entry["mitigates"] = links
        entry["why"] = f"mitigates {links[0]} ({related[links[0]]})"
        found.append((-len(links), control.id, entry))
    return [entry for *_, entry in sorted(found, key=lambda f: (f[0], f[1]))][:MAX_RELATED_CONTROLS]


def candidate_annex_a(snapshot: RegisterSnapshot, risk: Risk) -> list[dict[str, Any]]:
    """Annex A controls found through graph relations, most-supported first."""
    annex_a = snapshot.catalogue.annex_a
    reasons: dict[str, list[str]] = defaultdict(list)
    related = _related_risks(snapshot, risk)
    for control in snapshot.controls.values():
        if risk.id in control.mitigates:
            why = f"addressed by {control.id}, which already mitigates this risk"
        elif links := sorted(r for r in control.mitigates if r in related):
            why = f"addressed by {control.id}, which mitigates {links[0]} ({related[links[0]]})"
        else:
            continue
        for ref in control.addresses:
            if ref in annex_a:
                reasons[ref].append(why)
    for source in risk.sources:
        for ref in annex_c_candidates().get(source, ()):
            if ref in annex_a:
                reasons[ref].append(f"suggested for Annex C risk source {source}")
    ranked = sorted(reasons, key=lambda ref: (-len(reasons[ref]), catalogue_key(ref)))
    return [
        {"id": ref, "heading": annex_a[ref], "reasons": _capped(reasons[ref])}
        for ref in ranked[:MAX_CANDIDATES]
    ]


def _capped(reasons: list[str]) -> list[str]:
    unique = list(dict.fromkeys(reasons))
    if len(unique) <= MAX_REASONS:
        return unique
    return [*unique[:MAX_REASONS], f"and {len(unique) - MAX_REASONS} more links"]


def _drop_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(v) for v in node]
    return node


# --- redaction -------------------------------------------------------------------------------

REDACTABLE: dict[str, tuple[str, ...]] = {
    "risk": ("title", "description", "category"),
    "systems": ("title", "description", "purpose", "domain", "lifecycle_stage", "stakeholders"),
    "sources": ("title", "description"),
    "consequences": ("title", "description"),
    "affected_stakeholders": ("title",),
    "existing_controls": ("title", "description"),
    "existing_treatments": ("title", "statement"),
    "related_controls": ("title", "description"),
    "previous_rejections": ("reason",),
}
"""Fields that ``[assistant] redact_fields`` can withhold: a bare name ('description') everywhere,
or 'section.name' ('systems.purpose') in one section. IDs are never redacted (grounding needs
them)."""


def redactable_names() -> list[str]:
    bare = {name for names in REDACTABLE.values() for name in names}
    qualified = {f"{section}.{name}" for section, names in REDACTABLE.items() for name in names}
    return sorted(bare) + sorted(qualified)


def check_redactions(names: Iterable[str], config_file: str | None = None) -> None:
    """Refuse unknown names, so a typo never leaves a field unprotected."""
    known = set(redactable_names())
    for name in names:
        if name not in known:
            raise InputError(
                "unknown field in redact_fields",
                location=Location(file=config_file, column="assistant.redact_fields"),
                value=name,
                expected="one of " + ", ".join(redactable_names()),
            )


def redact(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A copy of the context data with the named fields replaced by '[redacted]'."""
    wanted = set(names)
    if not wanted:
        return data
    out: dict[str, Any] = {}
    for section, value in data.items():
        fields = REDACTABLE.get(section, ())
        hidden = {f for f in fields if f in wanted or f"{section}.{f}" in wanted}
        if isinstance(value, list):
            out[section] = [_hide(item, hidden) for item in value]
        else:
            out[section] = _hide(value, hidden)
    return out


def _hide(item: Any, hidden: set[str]) -> Any:
    if not isinstance(item, dict) or not hidden:
        return item
    return {k: (REDACTED if k in hidden else v) for k, v in item.items()}
