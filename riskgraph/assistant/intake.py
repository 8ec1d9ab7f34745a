"""The intake questionnaire: a short, fixed set of questions about an AI system whose answers risk
identification reads beside the system's description, purpose, models, datasets and suppliers.

Answers are stored with the system in the register graph, one node per answered question
(``<system IRI>/intake/<key>``, an ``rg:IntakeAnswer`` with ``rg:question`` and ``rg:answer``,
linked by ``rg:hasIntakeAnswer``). They are written through the one write pipeline
(``editing.write.run_write``): the system must exist and pass its shapes, the write is one
transaction with an undo log entry, and it is refused if the system changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from riskgraph.assistant.schema import clean_text
from riskgraph.editing.input import Origin, combine
from riskgraph.editing.shapes import check_shapes
from riskgraph.editing.write import Prepared, missing_entity, run_write
from riskgraph.errors import InputError, Location, UserError
from riskgraph.model.entities import AISystem
from riskgraph.model.repository import Plan, Repository
from riskgraph.nesting import load_yaml
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, Store
from riskgraph.vocab import RDF, REGISTER_GRAPH, RG

MAX_ANSWER = 2000
"""Longest answer kept, in characters."""


@dataclass(frozen=True)
class Question:
    key: str
    text: str


QUESTIONS: tuple[Question, ...] = (
    Question("decisions", "Which decisions about people does the system make or inform?"),
    Question("oversight", "Does a person check each output before it takes effect? How?"),
    Question("affected", "Who is affected by its outputs, and are any of them vulnerable?"),
    Question("personal_data", "Which personal, sensitive or confidential data does it process?"),
    Question("generative", "Does it generate text, code, images or audio? For whom?"),
    Question(
        "inputs", "Where do its inputs come from: the public, customers, staff, other systems?"
    ),
    Question(
        "actions", "Can it act on its own: call tools, send messages, move money, change data?"
    ),
    Question("third_parties", "Which outside models, services or data does it rely on?"),
)
"""The intake questions, in the order they are asked (docs/assistant.md lists them)."""
QUESTION_KEYS = {q.key: q for q in QUESTIONS}

_G = ox.NamedNode(REGISTER_GRAPH)
_TYPE = ox.NamedNode(RDF + "type")
_ANSWER_CLASS = ox.NamedNode(RG + "IntakeAnswer")
_HAS = ox.NamedNode(RG + "hasIntakeAnswer")
_QUESTION = ox.NamedNode(RG + "question")
_ANSWER = ox.NamedNode(RG + "answer")


def answer_iri(system_iri: str, key: str) -> str:
    return f"{system_iri}/intake/{key}"


def read_answers(store: Store, system_iri: str) -> dict[str, str]:
    """The stored answers of one system, by question key, in the questionnaire's order."""
    found: dict[str, str] = {}
    for quad in store.quads(REGISTER_GRAPH, subject=system_iri):
        if quad.predicate != _HAS or not isinstance(quad.object, ox.NamedNode):
            continue
        key = answer = None
        for q in store.quads(REGISTER_GRAPH, subject=quad.object.value):
            if not isinstance(q.object, ox.Literal):
                continue
            if q.predicate == _QUESTION:
                key = q.object.value
            elif q.predicate == _ANSWER:
                answer = q.object.value
        if key in QUESTION_KEYS and answer:
            found[key] = answer
    return {q.key: found[q.key] for q in QUESTIONS if q.key in found}


def parse_answers(text: str, source: str) -> dict[str, str]:
    """Answers from a YAML file: question key -> answer text (an empty answer clears one)."""
    data = load_yaml(text, source)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            "the file must hold one mapping of question keys to answers",
            location=Location(file=source),
            expected="key: answer, with keys " + ", ".join(QUESTION_KEYS),
        )
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key not in QUESTION_KEYS:
            raise InputError(
                "not a question of the intake questionnaire",
                location=Location(file=source, column=str(key)),
                value=key,
                expected="one of " + ", ".join(QUESTION_KEYS),
            )
        if value is None:
            value = ""
        if not isinstance(value, str | int | float | bool):
            raise InputError(
                "an answer must be text",
                location=Location(file=source, column=key),
                value=value,
                expected="a sentence or two",
            )
        out[key] = str(value)
    return out


def _clean(key: str, value: str, origin: Origin) -> str:
    text = clean_text(value, multiline=True)[0].strip()
    if len(text) > MAX_ANSWER:
        raise origin.error(
            "is too long",
            field=key,
            value=f"{len(text)} characters",
            expected=f"at most {MAX_ANSWER}",
        )
    return text


def prepare_intake(
    repo: Repository, system_id: str, answers: Mapping[str, str], origin: Origin | None = None
) -> Prepared:
    """The write that stores ``answers`` for a system (replacing earlier answers to the same
    questions; an empty answer removes one). Other answers are kept."""
    origin = origin or Origin()
    system = repo.get(system_id)
    if system is None:
        raise missing_entity(repo, system_id, origin)
    if not isinstance(system, AISystem):
        raise UserError(f"{system_id} is {system.kind}; the intake questionnaire is for AI systems")
    unknown = [k for k in answers if k not in QUESTION_KEYS]
    if unknown:
        raise origin.error(
            "is not a question of the intake questionnaire",
            field=unknown[0],
            value=unknown[0],
            expected="one of " + ", ".join(QUESTION_KEYS),
        )
    cleaned = {k: _clean(k, v, origin) for k, v in answers.items()}
    outcome = check_shapes(repo.store, repo.base_iri, [system], {})
    if outcome.violations:
        raise combine(list(outcome.violations))
    iri = repo.iri_of(system_id) or repo.base_iri + system_id
    node = ox.NamedNode(iri)
    current = read_answers(repo.store, iri)
    remove: list[ox.Quad] = []
    add: list[ox.Quad] = []
    changed: list[str] = []
    for key, text in cleaned.items():
        if current.get(key, "") == text:
            continue
        answer = ox.NamedNode(answer_iri(iri, key))
        remove += list(_answer_quads(repo.store, node, answer))
        if text:
            add += [
                ox.Quad(node, _HAS, answer, _G),
                ox.Quad(answer, _TYPE, _ANSWER_CLASS, _G),
                ox.Quad(answer, _QUESTION, ox.Literal(key), _G),
                ox.Quad(answer, _ANSWER, ox.Literal(text), _G),
            ]
        changed.append(f"intake {key}: {'answered' if text else 'cleared'}")
    plan = Plan(
        changes=ChangeSet(remove=remove, add=add, preconditions={iri: repo.revision_of(system_id)})
        if changed
        else ChangeSet(),
        changed={system_id: changed} if changed else {},
    )
    return Prepared(plan, [system], f"intake answers for {system_id}", outcome.notes)


def _answer_quads(store: Store, system: ox.NamedNode, answer: ox.NamedNode) -> list[ox.Quad]:
    out = [q for q in store.quads(REGISTER_GRAPH, subject=answer.value)]
    link = ox.Quad(system, _HAS, answer, _G)
    if any(q == link for q in store.quads(REGISTER_GRAPH, subject=system.value)):
        out.append(link)
    return out


def save_intake(
    register: Register, system_id: str, answers: Mapping[str, str], origin: Origin | None = None
) -> Prepared:
    """Store intake answers through the write pipeline (one transaction, undo log entry)."""
    prepared, _ = run_write(register, lambda repo: prepare_intake(repo, system_id, answers, origin))
    return prepared


def load_answers_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", location=Location(file=str(path))
        ) from None
    return parse_answers(text, str(path))
