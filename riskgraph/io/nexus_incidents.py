"""Import the AI incidents of IBM AI Atlas Nexus as register incidents (docs/import-export.md).

Nexus publishes its risk incidents as LinkML YAML (``risk_atlas_data_incidents.yaml`` in its
``knowledge_graph`` folder): each has an ``id``, a ``name``, a ``description``, the Nexus risks it
realised (``refersToRisk``), the publication that reported it (``author``, e.g. "The Guardian,
October 2023") and a ``source_uri``. Each becomes an ``Incident`` whose ``realised_risks`` are the
register risks that correspond to the named Nexus risks, found through the loaded
``ai-atlas-nexus`` library and the crosswalks (``riskgraph.library.crosswalk``): a register risk
adopted from or linked to the Nexus risk, or to a concept the Nexus risk is mapped to by exact,
close, broad or narrow matches, up to ``MAX_HOPS`` steps. Nexus risks that match no register risk
are reported.

The incidents are written through the one write pipeline (model, links, SHACL, one transaction,
undo): all of them or none. Incidents already imported (same ``source``) are left as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from riskgraph.editing.input import Changes, Origin
from riskgraph.editing.write import Draft, Prepared, prepare_additions, run_planned
from riskgraph.errors import InputError, InputErrors, Location, UserError
from riskgraph.io.yaml_lines import LineDict, LineList, load_yaml
from riskgraph.library.catalogue import loaded_libraries
from riskgraph.library.crosswalk import Path as Chain
from riskgraph.library.crosswalk import mapping_graph, reach
from riskgraph.library.model import concept_iri
from riskgraph.model.entities import Incident
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import Store, read_revision
from riskgraph.vocab import DCTERMS, REGISTER_GRAPH, RG

NEXUS = "ai-atlas-nexus"
INCIDENTS_FILE = "risk_atlas_data_incidents.yaml"
MAX_HOPS = 3
"""Steps from a Nexus risk to a register risk: e.g. Nexus risk -exactMatch-> MIT risk
<-adoptedFrom- register risk is two."""
STRICT = frozenset({"exactMatch", "closeMatch", "broadMatch", "narrowMatch"})
"""Steps a chain of more than one step may take: related matches and mitigations are too loose
to say that a risk materialised."""

_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3,10})\.?\s+((?:19|20)\d\d)(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
DATE_EXPECTED = "the publication that reported it, with month and year: 'Reuters, July 2023'"


@dataclass(frozen=True)
class NexusIncident:
    """One incident as Nexus publishes it."""

    nexus_id: str
    name: str
    description: str
    risks: tuple[str, ...]
    reported: str
    occurred_on: date
    source_uri: str | None
    origin: Origin
    risks_line: int | None = None
    """Line of ``refersToRisk`` in the file."""


@dataclass(frozen=True)
class RiskMatch:
    """A register risk that corresponds to a Nexus risk, and how."""

    risk_id: str
    predicate: str
    via: tuple[str, ...]
    """The concepts the chain passes through (their notation or ID), Nexus risk excluded."""


@dataclass
class NexusImport:
    """What an import of Nexus incidents did (or, in a dry run, would do)."""

    file: str
    incidents: list[Incident] = field(default_factory=list)
    """The incidents added."""
    already: dict[str, str] = field(default_factory=dict)
    """Nexus incident ID -> the register incident it was imported as before (left as it is)."""
    matches: dict[str, list[RiskMatch]] = field(default_factory=dict)
    """Nexus risk ID -> the register risks it corresponds to (empty: none)."""
    dry_run: bool = False
    revision: int | None = None

    @property
    def unmatched(self) -> list[str]:
        """Nexus risks named by the incidents that match no register risk."""
        return sorted(risk for risk, found in self.matches.items() if not found)


def incidents_file(path: Path) -> Path:
    """The incidents file: ``path`` itself, or the one in a Nexus ``knowledge_graph`` folder."""
    if path.is_dir():
        inside = path / INCIDENTS_FILE
        if not inside.is_file():
            raise InputError(
                f"the folder has no {INCIDENTS_FILE}",
                location=Location(str(path)),
                expected="the AI Atlas Nexus knowledge_graph folder, or its incidents YAML file",
            )
        return inside
    if not path.is_file():
        raise InputError("no such file or folder", location=Location(str(path)))
    return path


def read_incidents(path: Path) -> list[NexusIncident]:
    """The incidents of a Nexus incidents file; every problem found, naming record and field."""
    file = incidents_file(path)
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", location=Location(name)) from None
    data = load_yaml(text, name)
    records = data.get("riskincidents") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise InputError(
            "no incidents found",
            location=Location(name, column="riskincidents"),
            expected="a YAML mapping whose 'riskincidents' key lists the incidents",
        )
    errors: list[InputError] = []
    incidents: list[NexusIncident] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(records, start=1):
        line = records.item_lines[index - 1] if isinstance(records, LineList) else None
        try:
            incident = _incident(record, name, index, line)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        if incident.nexus_id in seen:
            errors.append(
                _error(
                    name,
                    index,
                    line,
                    "id",
                    f"{incident.nexus_id} is also the id of record {seen[incident.nexus_id]}",
                    incident.nexus_id,
                    "a unique id",
                )
            )
            continue
        seen[incident.nexus_id] = index
        incidents.append(incident)
    if errors:
        raise InputErrors(errors)
    return incidents


def _error(
    file: str, index: int, line: int | None, key: str, problem: str, value: object, expected: str
) -> InputError:
    return InputError(
        f"incident record {index}: {key} {problem}",
        location=Location(file, line=line, column=key),
        value=value,
        expected=expected,
    )


def _incident(record: Any, file: str, index: int, line: int | None) -> NexusIncident:
    if not isinstance(record, dict):
        raise InputErrors(
            [_error(file, index, line, "record", "is not a mapping", record, "id, name, ...")]
        )
    key_lines = record.key_lines if isinstance(record, LineDict) else {}
    errors: list[InputError] = []

    def fail(key: str, problem: str, value: object, expected: str) -> None:
        """An error about ``key``, placed on its line (else the record's)."""
        errors.append(_error(file, index, key_lines.get(key, line), key, problem, value, expected))

    def text(key: str, *, required: bool) -> str:
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                fail(key, "is missing", None, "some text")
            return ""
        if not isinstance(value, str):
            fail(key, "is not text", value, "some text")
            return ""
        return " ".join(value.split())

    nexus_id = text("id", required=True)
    name = text("name", required=True)
    description = text("description", required=False)
    reported = text("author", required=True)
    source_uri = text("source_uri", required=False) or None
    if source_uri is not None and not source_uri.startswith(("http://", "https://")):
        fail("source_uri", "is not a web address", source_uri, "an http(s) URL")
        source_uri = None
    risks_value = record.get("refersToRisk")
    risks: list[str] = []
    if isinstance(risks_value, str):
        risks_value = [risks_value]
    if not isinstance(risks_value, list) or not risks_value:
        fail(
            "refersToRisk",
            "names no risk",
            risks_value,
            "a list of AI Atlas Nexus risk IDs such as atlas-data-bias",
        )
    else:
        for risk in risks_value:
            if not isinstance(risk, str) or not risk.strip():
                fail(
                    "refersToRisk",
                    "holds something that is not a risk ID",
                    risk,
                    "AI Atlas Nexus risk IDs such as atlas-data-bias",
                )
            else:
                risks.append(risk.strip())
    occurred = first_reported(reported) if reported else None
    if reported and occurred is None:
        fail("author", "gives no year", reported, DATE_EXPECTED)
    if errors or occurred is None:
        raise InputErrors(errors)
    origin = Origin(source=file, item=index, line=line)
    return NexusIncident(
        nexus_id,
        name,
        description,
        tuple(dict.fromkeys(risks)),
        reported,
        occurred,
        source_uri,
        origin,
        key_lines.get("refersToRisk", line),
    )


def first_reported(author: str) -> date | None:
    """The earliest month named in a Nexus ``author`` text ('Reuters, July 2023AP News, May
    2023' names two), as its first day; a bare year counts as January. Nexus gives no incident
    date, so the month it was first reported stands in for it. None when no year is given."""
    found: list[date] = []
    for word, year in _MONTH_YEAR.findall(author):
        month = _MONTHS.get(word[:3].lower())
        if month is not None:
            found.append(date(int(year), month, 1))
    if not found:
        found = [date(int(year), 1, 1) for year in _YEAR.findall(author)]
    return min(found) if found else None


# --- matching Nexus risks to register risks ------------------------------------------------------


def _register_risks(store: Store) -> dict[str, str]:
    """IRI -> ID of the register's risks."""
    rows = store.select(
        "SELECT ?r ?id WHERE { GRAPH ?g { ?r a ?risk ; ?idp ?id } }",
        {
            "g": ox.NamedNode(REGISTER_GRAPH),
            "risk": ox.NamedNode(RG + "Risk"),
            "idp": ox.NamedNode(DCTERMS + "identifier"),
        },
    ).rows
    return {row["r"].value: row["id"].value for row in rows if row["r"] and row["id"]}


def _accepted(chain: Chain) -> bool:
    return len(chain.edges) == 1 or all(e.predicate in STRICT for e in chain.edges)


def unknown_risks(store: Store, nexus_risks: list[str]) -> set[str]:
    """The Nexus risk IDs the loaded ai-atlas-nexus library does not have. Raises when the
    library is not loaded."""
    if NEXUS not in loaded_libraries(store):
        raise UserError(
            f"the {NEXUS} library is not loaded in this register: load it first, so that the "
            "Nexus risks the incidents name can be matched to the register's risks"
        )
    starts = {concept_iri(NEXUS, risk): risk for risk in nexus_risks}
    known = {
        row["c"].value
        for row in store.select(
            "SELECT ?c WHERE { VALUES ?c { " + " ".join(f"<{c}>" for c in starts) + " } "
            "?c a ?concept }",
            {"concept": ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept")},
        ).rows
        if row["c"] is not None
    }
    return {risk for iri, risk in starts.items() if iri not in known}


def match_risks(store: Store, nexus_risks: list[str]) -> dict[str, list[RiskMatch]]:
    """For each Nexus risk ID (known to the loaded ai-atlas-nexus library), the register risks
    it corresponds to (see the module docstring)."""
    starts = {concept_iri(NEXUS, risk): risk for risk in nexus_risks}
    risks = _register_risks(store)
    graph = mapping_graph(store)
    found = reach(store, starts, risks, max_hops=MAX_HOPS, graph=graph)
    labels = graph.labels
    out: dict[str, list[RiskMatch]] = {}
    for iri, risk in starts.items():
        matches = []
        for chain in found.get(iri, []):
            if not _accepted(chain):
                continue
            via = tuple(risks.get(e.target) or labels.get(e.target, e.target) for e in chain.edges)
            matches.append(RiskMatch(risks[chain.end], chain.predicate, via[:-1]))
        out[risk] = sorted(matches, key=lambda m: m.risk_id)
    return out


# --- the import ----------------------------------------------------------------------------------


def _imported(store: Store) -> dict[str, str]:
    """Source IRI -> ID of the register's incidents that came from somewhere."""
    rows = store.select(
        "SELECT ?src ?id WHERE { GRAPH ?g { ?i a ?incident ; ?srcp ?src ; ?idp ?id } }",
        {
            "g": ox.NamedNode(REGISTER_GRAPH),
            "incident": ox.NamedNode(Incident.rdf_type),
            "srcp": ox.NamedNode(DCTERMS + "source"),
            "idp": ox.NamedNode(DCTERMS + "identifier"),
        },
    ).rows
    return {row["src"].value: row["id"].value for row in rows if row["src"] and row["id"]}


def _description(incident: NexusIncident) -> str:
    parts = [incident.description] if incident.description else []
    reported = f"Reported by {incident.reported}"
    if incident.source_uri:
        reported += f" ({incident.source_uri})"
    parts.append(
        f"{reported}. From IBM AI Atlas Nexus (Apache-2.0), incident {incident.nexus_id}; "
        f"Nexus risks: {', '.join(incident.risks)}."
    )
    return "\n\n".join(parts)


def plan_import(
    repo: Repository,
    incidents: list[NexusIncident],
    *,
    file: str,
    systems: list[str] | None = None,
) -> tuple[NexusImport, Prepared]:
    """The write that adds the incidents not imported before, and what it found."""
    report = NexusImport(file)
    all_risks = list(dict.fromkeys(r for i in incidents for r in i.risks))
    unknown = unknown_risks(repo.store, all_risks)
    if unknown:
        raise InputErrors(
            [
                InputError(
                    f"incident record {i.origin.item}: refersToRisk names "
                    f"{', '.join(r for r in i.risks if r in unknown)}, which the loaded {NEXUS} "
                    "library does not have",
                    location=Location(file, line=i.risks_line, column="refersToRisk"),
                    expected="AI Atlas Nexus risk IDs such as atlas-data-bias",
                )
                for i in incidents
                if unknown & set(i.risks)
            ]
        )
    report.matches = match_risks(repo.store, all_risks)
    imported = _imported(repo.store)
    drafts: list[Draft] = []
    for incident in incidents:
        source = concept_iri(NEXUS, incident.nexus_id)
        if source in imported:
            report.already[incident.nexus_id] = imported[source]
            continue
        realised = sorted({m.risk_id for r in incident.risks for m in report.matches[r]})
        values: dict[str, object] = {
            "title": incident.name,
            "description": _description(incident),
            "occurred_on": incident.occurred_on.isoformat(),
            "realised_risks": realised,
            "source": source,
        }
        if systems:
            values["systems"] = list(systems)
        drafts.append(Draft(Incident, Changes(values=values), incident.origin))
    prepared = prepare_additions(
        repo,
        drafts,
        default_matrix="5x5",
        description=f"import {len(drafts)} AI Atlas Nexus incident(s) from {Path(file).name}",
    )
    report.incidents = [e for e in prepared.entities if isinstance(e, Incident)]
    return report, prepared


def import_nexus_incidents(
    register: Register,
    path: Path,
    *,
    systems: list[str] | None = None,
    dry_run: bool = False,
) -> NexusImport:
    """Import the Nexus incidents at ``path`` (the knowledge_graph folder or its incidents file):
    all new ones in one transaction, or (on any error) nothing."""
    file = str(incidents_file(path))
    incidents = read_incidents(path)
    if dry_run:
        with register.reader() as store:
            repo = Repository(store, register.base_iri)
            report, _ = plan_import(repo, incidents, file=file, systems=systems)
        report.dry_run = True
        return report

    def prepare(repo: Repository) -> tuple[NexusImport, Prepared]:
        return plan_import(repo, incidents, file=file, systems=systems)

    report, prepared = run_planned(register, prepare)
    if prepared.plan.changes:
        with register.reader() as store:
            report.revision = read_revision(store)
    return report
