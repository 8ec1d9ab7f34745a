"""The harmonized structure of ISO management-system standards, for clauses 4 to 10.

ISO/IEC 42001, ISO/IEC 27001, ISO 9001 and ISO 14001 share one high-level structure, so
evidence held for one certification often answers the same clause of another. This library
lists the shared clauses of 27001, 9001 and 14001 by number, with short descriptions written by
the riskgraph team (not the standards' headings or text, which ISO holds the copyright of), and
maps each 42001 clause of riskgraph's catalogue to the clause of the same purpose.
"""

from __future__ import annotations

from riskgraph.library.model import Concept, Library, Mapping, Scheme, concept_iri
from riskgraph.vocab import ISO42001

NAME = "iso-hs"
AUTHOR = "riskgraph team"
DATE = "2026-12-04"

CLAUSES: dict[str, str] = {
    "4": "The organisation and its setting",
    "4.1": "Internal and external issues that matter",
    "4.2": "Interested parties and what they need",
    "4.3": "Where the management system applies",
    "4.4": "Setting up and running the management system",
    "5": "Top management's part",
    "5.1": "Top management leads and commits",
    "5.2": "The policy of the management system",
    "5.3": "Who is responsible for what",
    "6": "Planning the management system",
    "6.1": "Dealing with risks and opportunities",
    "6.2": "Objectives and how to reach them",
    "6.3": "Changing the management system in a planned way",
    "7": "What the management system needs to run",
    "7.1": "People, infrastructure and other resources",
    "7.2": "Skills of the people doing the work",
    "7.3": "People know the policy and their part",
    "7.4": "What is communicated, to whom, when",
    "7.5": "Documents and records",
    "8": "Running the operations",
    "8.1": "Planning and controlling operations",
    "9": "Checking how well it works",
    "9.1": "Measuring and evaluating results",
    "9.2": "Auditing the system internally",
    "9.3": "Top management reviews the system",
    "10": "Getting better",
    "10.1": "Improving all the time",
    "10.2": "Fixing nonconformities and their causes",
    "10.3": "Improving all the time",
}

_GENERAL_10_1 = "General requirements for improvement"
"""What clause 10.1 covers in ISO 9001 and ISO 14001 (their continual improvement is 10.3)."""
"""Clause number -> our own short description of the clause's purpose."""

STANDARDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "27001": ("ISO/IEC 27001:2022", "information security management systems", ()),
    "9001": ("ISO 9001:2015", "quality management systems", ("6.3", "10.3")),
    "14001": ("ISO 14001:2015", "environmental management systems", ("6.3", "10.3")),
}
"""Standard -> (name, topic, clauses that differ from 42001's numbering)."""

_DIFFERENT = {
    # 9001 and 14001: 10.1 is general, 10.2 nonconformity, 10.3 continual improvement.
    "9001": {"10.1": "10.3", "6.3": "6.3"},
    "14001": {"10.1": "10.3"},
}


def clauses_of(standard: str) -> list[str]:
    numbers = [n for n in CLAUSES if n != "10.3"]
    if standard in ("9001", "14001"):
        numbers.append("10.3")
    if standard == "14001":
        numbers.remove("6.3")
    return numbers


def build_iso_hs() -> Library:
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="ISO harmonized structure: 42001 with 27001, 9001, 14001",
            description="Clause numbers of three widely certified management-system standards "
            "with short descriptions in our own words, mapped to ISO/IEC 42001, so that evidence "
            "held for them is found for 42001.",
            license="https://www.apache.org/licenses/LICENSE-2.0",
            license_name="Apache-2.0",
            attribution="riskgraph team. Clause numbers only; the standards' headings and text "
            "are copyright ISO and IEC and are not reproduced.",
            source="https://www.iso.org/management-system-standards.html",
            publisher="riskgraph",
            version="2026.12",
        ),
    )
    for standard, (title, topic, _) in STANDARDS.items():
        library.taxonomies.append(
            Scheme(
                key=f"iso{standard}",
                title=title,
                description=f"Clauses 4 to 10 of {title} ({topic}), by number.",
            )
        )
        for number in clauses_of(standard):
            parent = number.split(".")[0]
            purpose = CLAUSES[number]
            if number == "10.1" and standard in ("9001", "14001"):
                purpose = _GENERAL_10_1
            library.add(
                Concept(
                    local_id=f"{standard}-{number}",
                    notation=f"{standard} {number}",
                    label=f"{title} clause {number}: {purpose.lower()}",
                    kind="group" if "." not in number else "control",
                    schemes=[f"iso{standard}"],
                    broader=[]
                    if "." not in number
                    else [concept_iri(NAME, f"{standard}-{parent}")],
                )
            )
        for number in clauses_of("27001"):
            if number == "10.3" or "." not in number:
                continue
            target = _DIFFERENT.get(standard, {}).get(number, number)
            if target not in clauses_of(standard):
                continue
            library.mappings.append(
                Mapping(
                    subject=ISO42001 + number,
                    predicate="closeMatch",
                    object=concept_iri(NAME, f"{standard}-{target}"),
                    justification="structural",
                    author=AUTHOR,
                    date=DATE,
                    confidence=0.9 if target == number else 0.8,
                    comment="same clause of the harmonized structure of ISO management-system "
                    "standards; the discipline-specific content differs",
                )
            )
    return library
