"""Risk identification: candidate risks for an AI system, grounded in the loaded libraries.

What the register says about a system (description, purpose, domain, models, datasets, services
and their suppliers, stakeholders, intake answers) is the query. The offline baseline ranks the
risk concepts of the loaded libraries with BM25 (``ranking``); the language-model path sends the
baseline's shortlist to the model, which reranks it, writes a risk title, description and reason
for each candidate, and proposes likelihood and severity. It chooses among shortlist concepts
only; a concept it cites that is not in a loaded library is flagged and never linked.

Concepts already linked from the system's risks, concepts of pending candidates and concepts a
person rejected for the system are left out of the shortlist, so rejected risks are not proposed
again; the rejections and their reasons go to the model (``previous_rejections``).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from riskgraph.assistant.context import redact, system_facts
from riskgraph.assistant.intake import QUESTION_KEYS, read_answers
from riskgraph.assistant.prompts import PromptTemplate, data_block_json
from riskgraph.assistant.protocol import Message, ModelCallError, Usage, strip_fence
from riskgraph.assistant.ranking import ConceptIndex, Ranked
from riskgraph.assistant.schema import clean_text
from riskgraph.config import RegisterConfig
from riskgraph.errors import RiskgraphError, UserError
from riskgraph.library.catalogue import ConceptRow, concepts, loaded_libraries
from riskgraph.model.entities import AISystem, Component, Entity, Risk, Stakeholder, Supplier
from riskgraph.model.repository import Repository
from riskgraph.scoring import matrix
from riskgraph.store.base import Store
from riskgraph.vocab import REGISTER_GRAPH

if TYPE_CHECKING:
    from riskgraph.assistant.chat import ChatClient

RISK_IDENTIFICATION = ("risk-identification", "v1")
"""The template the assistant uses to rerank and explain the baseline's shortlist."""
SCHEMA_NAME = "risk_candidates"
SHORTLIST = 15
"""How many baseline concepts the model chooses from."""
DEFAULT_LIMIT = 5
"""Candidates proposed per run, unless asked for another number."""
MAX_CANDIDATES = 20
TITLE_LIMIT = 200
TEXT_LIMIT = 2000

# grounding flags of a candidate
UNKNOWN_CONCEPT = "unknown-concept"
NOT_OFFERED = "concept-not-offered"
NO_CONCEPT = "no-concept"
CLAMPED = "score-clamped"
TRUNCATED = "truncated"


# --- what the register says about a system --------------------------------------------------


@dataclass(frozen=True)
class SystemProfile:
    """The system as the ranker and the model see it (JSON-ready; people are never sent)."""

    system_id: str
    owner: str | None
    data: dict[str, Any]
    existing_risks: tuple[Risk, ...] = ()

    def text(self) -> str:
        """Every text field of the data, for the ranker."""
        return " ".join(_texts(self.data))


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "question_key"):
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _titled(entity: Entity | None, fallback: str) -> dict[str, Any]:
    if entity is None:
        return {"title": fallback}
    out: dict[str, Any] = {"title": entity.title}
    if entity.description:
        out["description"] = entity.description
    return out


def load_profile(store: Store, base_iri: str, system_id: str) -> SystemProfile:
    """What the register says about one AI system; an error naming the ID when it is not one."""
    repo = Repository(store, base_iri)
    system = repo.get(system_id)
    if system is None:
        close = [i for i in repo.ids().values() if i.upper().startswith("SYS")]
        hint = f"; AI systems in the register: {', '.join(sorted(close)[:10])}" if close else ""
        raise UserError(f"no AI system with ID {system_id!r} in the register{hint}")
    if not isinstance(system, AISystem):
        raise UserError(f"{system_id} is {system.kind}, not an AI system")
    components: list[dict[str, Any]] = []
    for dep_id in system.depends_on:
        dep = repo.get(dep_id)
        item = {"id": dep_id, **_titled(dep, dep_id)}
        if isinstance(dep, Component):
            item["kind"] = dep.component_type
            if dep.provided_by:
                supplier = repo.get(dep.provided_by)
                item["supplier"] = (
                    supplier.title if isinstance(supplier, Supplier) else dep.provided_by
                )
        elif isinstance(dep, Supplier):
            item["kind"] = "supplier"
        components.append(item)
    stakeholders = []
    for sid in system.stakeholders:
        holder = repo.get(sid)
        stakeholders.append(_titled(holder if isinstance(holder, Stakeholder) else None, sid))
    iri = repo.iri_of(system_id) or base_iri + system_id
    intake = [
        {"question_key": key, "question": QUESTION_KEYS[key].text, "answer": answer}
        for key, answer in read_answers(store, iri).items()
    ]
    risks = [r for r in repo.all(Risk)[0] if isinstance(r, Risk) and system_id in r.affects]
    data: dict[str, Any] = {
        "system": system_facts(system, stakeholders),
        "components": components,
        "intake": intake,
    }
    return SystemProfile(system.id, system.owner, data, tuple(risks))


# --- what is already decided ----------------------------------------------------------------


def linked_concepts(store: Store, base_iri: str, system_id: str) -> dict[str, str]:
    """Concept IRI -> register risk ID, for every library concept a risk of the system links to
    (a SKOS mapping or an adoption)."""
    from riskgraph.library.model import LIBRARY_GRAPH_PREFIX

    rows = store.select(
        "SELECT ?id ?c ?g WHERE { GRAPH ?reg { ?r ?affects ?sys ; ?idp ?id ; ?p ?c } "
        "GRAPH ?g { ?c a ?concept } }",
        {
            "reg": _node(REGISTER_GRAPH),
            "affects": _node("https://w3id.org/riskgraph#affects"),
            "sys": _node(base_iri + system_id),
            "idp": _node("http://purl.org/dc/terms/identifier"),
            "concept": _node("http://www.w3.org/2004/02/skos/core#Concept"),
        },
    ).rows
    out: dict[str, str] = {}
    for row in rows:
        graph, concept, rid = row["g"], row["c"], row["id"]
        if graph is None or concept is None or rid is None:
            continue
        if graph.value.startswith(LIBRARY_GRAPH_PREFIX):
            out.setdefault(concept.value, rid.value)
    return out


def _node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


@dataclass(frozen=True)
class Rejection:
    draft_id: str
    concepts: tuple[str, ...]
    """IRIs of the concepts the rejected candidate cited."""
    refs: tuple[str, ...]
    title: str
    reason: str


# --- the proposal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A concept as a candidate cites it: ``LIBRARY:NOTATION``, and the concept when grounded."""

    ref: str
    concept: ConceptRow | None

    @property
    def grounded(self) -> bool:
        return self.concept is not None


@dataclass(frozen=True)
class Candidate:
    rank: int
    title: str
    description: str
    why: str
    likelihood: int
    severity: int
    citations: tuple[Citation, ...]
    score: float | None = None
    """The baseline's BM25 score of the first concept, when the baseline ranked it."""
    flags: tuple[str, ...] = ()

    @property
    def concepts(self) -> list[ConceptRow]:
        return [c.concept for c in self.citations if c.concept is not None]


def ref_of(concept: ConceptRow) -> str:
    return f"{concept.library}:{concept.notation}"


@dataclass
class Identification:
    """Everything one run knows before it proposes: the profile, the shortlist, what is left
    out and why, the matrix and the scores to fall back on."""

    profile: SystemProfile
    matrix_name: str
    matrix_size: int
    default_scores: tuple[int, int]
    scores_reason: str
    shortlist: list[Ranked]
    libraries: list[str]
    known: dict[str, ConceptRow]
    """Every concept of the loaded libraries, by ``LIBRARY:NOTATION`` (all kinds)."""
    excluded: dict[str, str] = field(default_factory=dict)
    """Concept IRI -> why it is left out (linked, pending, rejected)."""
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def system_id(self) -> str:
        return self.profile.system_id

    def by_ref(self, ref: str) -> ConceptRow | None:
        return self.known.get(ref.strip())


def default_scores(risks: Iterable[Risk], size: int) -> tuple[tuple[int, int], str]:
    """Likelihood and severity to propose without a model: the medians of the system's assessed
    risks on the same matrix, else the middle of the matrix."""
    same = [r for r in risks if matrix(r.matrix).size == size]
    if same:
        likelihood = int(statistics.median_low(r.likelihood for r in same))
        severity = int(statistics.median_low(r.severity for r in same))
        return (likelihood, severity), (
            f"likelihood and severity are the medians of the system's {len(same)} assessed "
            "risks; adjust them to this risk"
        )
    middle = (size + 1) // 2
    return (middle, middle), (
        f"likelihood and severity are the middle of the {size}x{size} matrix: the system has "
        "no assessed risks to go by; adjust them to this risk"
    )


def prepare(
    store: Store,
    config: RegisterConfig,
    system_id: str,
    *,
    shortlist: int = SHORTLIST,
    rejections: list[Rejection] | None = None,
    pending: Iterable[str] = (),
) -> Identification:
    """The shortlist for one system over the loaded libraries' risk concepts."""
    base_iri = config.general.base_iri
    profile = load_profile(store, base_iri, system_id)
    libraries = list(loaded_libraries(store))
    if not libraries:
        raise UserError(
            "no library is loaded in this register, so there are no risk concepts to cite; "
            "load some first, e.g. 'riskgraph library load finos-aigf ai-atlas-nexus'"
        )
    rows = concepts(store)
    index = ConceptIndex.of_risks(rows)
    if not len(index):
        raise UserError(
            f"the loaded libraries ({', '.join(libraries)}) hold no risk concepts; load a risk "
            "library such as finos-aigf or ai-atlas-nexus"
        )
    excluded: dict[str, str] = {}
    for iri, risk_id in linked_concepts(store, base_iri, system_id).items():
        excluded[iri] = f"already linked from {risk_id}"
    for iri in pending:
        excluded.setdefault(iri, "already proposed in a pending candidate")
    for rejection in rejections or []:
        for iri in rejection.concepts:
            excluded.setdefault(iri, f"rejected in {rejection.draft_id}: {rejection.reason}")
    size = matrix(config.risk.matrix).size
    scores, reason = default_scores(profile.existing_risks, size)
    return Identification(
        profile=profile,
        matrix_name=config.risk.matrix,
        matrix_size=size,
        default_scores=scores,
        scores_reason=reason,
        shortlist=index.rank(profile.text(), k=shortlist, exclude=excluded),
        libraries=libraries,
        known={ref_of(c): c for c in rows},
        excluded=excluded,
        rejections=list(rejections or []),
    )


def baseline_candidates(ident: Identification, limit: int = DEFAULT_LIMIT) -> list[Candidate]:
    """The baseline's proposal: the best ``limit`` concepts, each a candidate of its own."""
    likelihood, severity = ident.default_scores
    out = []
    for rank, ranked in enumerate(ident.shortlist[:limit], start=1):
        concept = ranked.concept
        terms = ", ".join(ranked.matched[:6])
        why = (
            f"BM25 match of the system's description, purpose, components and intake answers "
            f"with {ref_of(concept)} ({concept.label}) on: {terms}. {ident.scores_reason}."
        )
        description = concept.definition or concept.label
        out.append(
            Candidate(
                rank=rank,
                title=_cut(
                    f"{concept.label} in {ident.profile.data['system']['title']}", TITLE_LIMIT
                ),
                description=_cut(description, TEXT_LIMIT),
                why=why,
                likelihood=likelihood,
                severity=severity,
                citations=(Citation(ref_of(concept), concept),),
                score=ranked.score,
            )
        )
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the language-model path ----------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerCandidate(_Strict):
    concepts: list[str] = Field(
        description="The refs of the shortlist concepts this risk is an instance of."
    )
    title: str = Field(description="A short risk title for this system.")
    description: str = Field(description="How the risk would arise in this system.")
    why: str = Field(description="What in the data makes this risk plausible.")
    likelihood: int = Field(description="Likelihood on the register's matrix, 1 lowest.")
    severity: int = Field(description="Severity on the register's matrix, 1 lowest.")


class CandidatesAnswer(_Strict):
    """Candidate risks for one AI system, best first."""

    candidates: list[AnswerCandidate] = Field(description="The candidates, most important first.")


def request_schema(template: PromptTemplate, ident: Identification) -> dict[str, Any]:
    """The template's schema bounded for this run: scores on the matrix, concepts from the
    shortlist."""
    import copy

    schema = copy.deepcopy(template.response_schema)
    item = schema["properties"]["candidates"]["items"]["properties"]
    for name in ("likelihood", "severity"):
        item[name]["minimum"] = 1
        item[name]["maximum"] = ident.matrix_size
    refs = [ref_of(r.concept) for r in ident.shortlist]
    if refs:
        item["concepts"]["items"]["enum"] = refs
    return schema


def prompt_data(ident: Identification, redact_fields: list[str]) -> dict[str, Any]:
    data = dict(ident.profile.data)
    data["existing_risks"] = [
        {"title": r.title, "description": r.description} if r.description else {"title": r.title}
        for r in ident.profile.existing_risks
    ]
    data["shortlist"] = [
        {"ref": ref_of(r.concept), "label": r.concept.label, "definition": r.concept.definition}
        for r in ident.shortlist
    ]
    data["previous_rejections"] = [
        {"refs": list(r.refs), "title": r.title, "reason": r.reason} for r in ident.rejections
    ]
    return redact(data, redact_fields)


def build_messages(
    template: PromptTemplate,
    ident: Identification,
    *,
    limit: int,
    redact_fields: list[str] | None = None,
    schema: dict[str, Any] | None = None,
) -> list[Message]:
    user = template.render_user(
        schema=schema or request_schema(template, ident),
        system_id=ident.system_id,
        matrix_size=ident.matrix_size,
        limit=limit,
        data_json=data_block_json(prompt_data(ident, redact_fields or [])),
    )
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


class InvalidCandidatesError(RiskgraphError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def parse_candidates(content: str) -> CandidatesAnswer:
    text = strip_fence(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidCandidatesError([f"not valid JSON: {exc}"]) from None
    try:
        return CandidatesAnswer.model_validate(data)
    except ValidationError as exc:
        raise InvalidCandidatesError(
            [
                f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
                for e in exc.errors()[:20]
            ]
        ) from None


def _clean(text: str, limit: int, multiline: bool) -> tuple[str, bool]:
    cleaned = clean_text(text, multiline=multiline)[0].strip()
    if len(cleaned) > limit:
        return cleaned[: limit - 1].rstrip() + "…", True
    return cleaned, False


def ground_answer(answer: CandidatesAnswer, ident: Identification, limit: int) -> list[Candidate]:
    """The model's candidates with every cited concept checked: a concept of a loaded library
    is linked (flagged when it was not in the shortlist); anything else is flagged and never
    linked. Scores off the matrix are clamped and flagged; text is cleaned and cut."""
    offered = {ref_of(r.concept): r for r in ident.shortlist}
    out: list[Candidate] = []
    for item in answer.candidates[: min(limit, MAX_CANDIDATES)]:
        flags: list[str] = []
        citations: list[Citation] = []
        for raw in dict.fromkeys(item.concepts):
            ref = " ".join(raw.split())[:120]
            concept = ident.by_ref(ref)
            if concept is None:
                flags.append(
                    f"{UNKNOWN_CONCEPT} {ref.replace(' ', '_')[:60] or '(empty)'}: the candidate "
                    "cites a concept that is in no loaded library; not linked"
                )
                citations.append(Citation(ref, None))
                continue
            if ref not in offered:
                flags.append(
                    f"{NOT_OFFERED} {ref}: the candidate cites a concept of a loaded library "
                    "that was not in the ranker's shortlist; check that it fits"
                )
            if concept.iri in ident.excluded:
                flags.append(f"{NOT_OFFERED} {ref}: {ident.excluded[concept.iri]}")
            citations.append(Citation(ref, concept))
        if not any(c.grounded for c in citations):
            flags.append(f"{NO_CONCEPT} -: the candidate cites no concept of a loaded library")
        scores = []
        for name, value in (("likelihood", item.likelihood), ("severity", item.severity)):
            kept = min(max(value, 1), ident.matrix_size)
            if kept != value:
                flags.append(
                    f"{CLAMPED} {name}: {value} was proposed, off the "
                    f"{ident.matrix_size}x{ident.matrix_size} matrix; set to {kept}"
                )
            scores.append(kept)
        title, cut_title = _clean(item.title, TITLE_LIMIT, multiline=False)
        description, cut_desc = _clean(item.description, TEXT_LIMIT, multiline=True)
        why, cut_why = _clean(item.why, TEXT_LIMIT, multiline=True)
        if cut_title or cut_desc or cut_why:
            flags.append(f"{TRUNCATED} text: the model's text was too long and was cut")
        first = next((c.concept for c in citations if c.concept is not None), None)
        ranked = offered.get(ref_of(first)) if first is not None else None
        out.append(
            Candidate(
                rank=len(out) + 1,
                title=title or (first.label if first else "(untitled candidate)"),
                description=description or (first.definition if first else ""),
                why=why,
                likelihood=scores[0],
                severity=scores[1],
                citations=tuple(citations),
                score=ranked.score if ranked else None,
                flags=tuple(flags),
            )
        )
    return out


@dataclass(frozen=True)
class ModelRun:
    """How the model's candidates were obtained, for provenance."""

    model: str
    usage: Usage
    started: datetime
    ended: datetime
    request_sha256: str | None
    requested_model: str
    temperature: float
    response_format: str
    repaired: bool
    redacted_fields: tuple[str, ...] = ()


REPAIR_REQUEST = """\
Your answer could not be used:
{errors}

Answer again with only the corrected JSON object. It must match the JSON Schema given before:
no other keys, no text around it."""


def rerank(
    client: ChatClient,
    template: PromptTemplate,
    ident: Identification,
    *,
    limit: int = DEFAULT_LIMIT,
    redact_fields: list[str] | None = None,
) -> tuple[list[Candidate], ModelRun]:
    """Ask the model to rerank and explain the shortlist; one repair round for an answer that
    does not fit the schema. Raises ModelCallError when no usable answer arrives."""
    if not ident.shortlist:
        raise UserError(
            f"the ranker found no library risk concept that shares a word with what the register "
            f"says about {ident.system_id}; describe the system (description, purpose, intake "
            "answers) or load more libraries"
        )
    schema = request_schema(template, ident)
    messages = build_messages(
        template, ident, limit=limit, redact_fields=redact_fields, schema=schema
    )
    started = datetime.now(UTC)
    usage = Usage()
    repaired = False
    answer = client.complete(messages, schema, ident.system_id, schema_name=SCHEMA_NAME)
    usage.add(answer.usage)
    try:
        parsed = parse_candidates(answer.content)
    except InvalidCandidatesError as first:
        repaired = True
        messages = [
            *messages,
            {"role": "assistant", "content": answer.content[:4000]},
            {
                "role": "user",
                "content": REPAIR_REQUEST.format(errors="\n".join(f"- {e}" for e in first.errors)),
            },
        ]
        answer = client.complete(messages, schema, ident.system_id, schema_name=SCHEMA_NAME)
        usage.add(answer.usage)
        try:
            parsed = parse_candidates(answer.content)
        except InvalidCandidatesError as second:
            raise ModelCallError(
                "the model's answer did not fit the schema, even after one repair: "
                + "; ".join(second.errors[:5])
            ) from None
    candidates = ground_answer(parsed, ident, limit)
    return candidates, ModelRun(
        model=answer.model,
        usage=usage,
        started=started,
        ended=datetime.now(UTC),
        request_sha256=answer.request_sha256,
        requested_model=client.endpoint.model,
        temperature=client.endpoint.temperature,
        response_format=answer.response_format,
        repaired=repaired,
        redacted_fields=tuple(redact_fields or ()),
    )
