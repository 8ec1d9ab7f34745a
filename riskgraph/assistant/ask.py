"""Questions in plain language: a language model drafts a read-only SPARQL query.

The model sees the question, a compact description of the ontology (classes and properties of
``ontology/riskgraph.ttl``) and the register's stored queries (name, title, parameters, text),
through the versioned template ``prompts/ask-query``. It answers a query, an explanation and
the parameters it declared. What it writes is data: the query runs only after the read-only
guard (``riskgraph.sparql.guard``) accepted it and it parsed, its parameters are bound as values
(never pasted into the text), and the person sees it before anything is saved. Every ask is
recorded in the register's audit trail: question, model, template and hashes, outcome.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.assistant.prompts import PromptTemplate, data_block_json
from riskgraph.assistant.protocol import Message, ModelCallError, strip_fence
from riskgraph.errors import InputError, Location, RiskgraphError, UserError
from riskgraph.queries import QueryLibrary, StoredQuery, parse_stored_query
from riskgraph.queries.library import QUERY_SUFFIX, load_library
from riskgraph.queries.model import PARAMETER_NAME_PATTERN, ParamType, QuerySource
from riskgraph.queries.syntax import check_syntax
from riskgraph.resources import ontology_file
from riskgraph.sparql.guard import check_read_only
from riskgraph.vocab import OWL, PREFIXES, RDF, RDFS, sparql_prefix_block

if TYPE_CHECKING:
    from riskgraph.assistant.chat import ChatClient, SentRequest
    from riskgraph.assistant.endpoint import Endpoint
    from riskgraph.register import Register

ASK_QUERY = ("ask-query", "v1")
"""The template the assistant uses to draft a query from a question."""
SCHEMA_NAME = "sparql_query"
ORIGIN = "the model's query"
"""How messages name the drafted query."""
ASK_TAG = "asked"
"""Tag of the stored queries saved from a question."""
MAX_QUESTION = 2000
"""Longest question accepted, in characters."""
TOOL = "ask"
"""The trail's name for an ask."""
_COMMENT_LIMIT = 160
_QUERY_TEXT_LIMIT = 4000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_PARAMETER_NAME = re.compile(PARAMETER_NAME_PATTERN)
_SPARQL_START = re.compile(
    r"^\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE|WITH|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP"
    r"|COPY|MOVE|ADD)\b",
    re.IGNORECASE,
)
"""How bare query text starts (updates too: the guard, not this test, refuses them, and says
why)."""


# --- what the model is told ---------------------------------------------------------------------


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    if end != -1:
        text = text[: end + 1]
    return text if len(text) <= _COMMENT_LIMIT else text[: _COMMENT_LIMIT - 1] + "…"


@cache
def ontology_summary() -> str:
    """The classes and properties of riskgraph.ttl, one line each: prefixed name, domain and
    range, and the first sentence of its comment (or its label)."""
    types: dict[str, set[str]] = {}
    domains: dict[str, str] = {}
    ranges: dict[str, str] = {}
    texts: dict[str, str] = {}
    labels: dict[str, str] = {}
    for triple in ox.parse(path=str(ontology_file("riskgraph.ttl")), format=ox.RdfFormat.TURTLE):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == RDF + "type" and isinstance(obj, ox.NamedNode):
            types.setdefault(subject.value, set()).add(obj.value)
        elif predicate == RDFS + "domain" and isinstance(obj, ox.NamedNode):
            domains[subject.value] = obj.value
        elif predicate == RDFS + "range" and isinstance(obj, ox.NamedNode):
            ranges[subject.value] = obj.value
        elif predicate == RDFS + "comment" and isinstance(obj, ox.Literal):
            texts.setdefault(subject.value, obj.value)
        elif predicate == RDFS + "label" and isinstance(obj, ox.Literal):
            labels.setdefault(subject.value, obj.value)

    def meaning(iri: str) -> str:
        return _first_sentence(texts.get(iri) or labels.get(iri, ""))

    classes = sorted(iri for iri, kinds in types.items() if OWL + "Class" in kinds)
    properties = sorted(
        iri
        for iri, kinds in types.items()
        if kinds & {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property"}
    )
    lines = ["Classes:"]
    lines += [f"- {_short(iri)}: {meaning(iri)}" for iri in classes]
    lines.append("Properties:")
    for iri in properties:
        domain = _short(domains[iri]) if iri in domains else "any"
        range_ = _short(ranges[iri]) if iri in ranges else "any"
        lines.append(f"- {_short(iri)} ({domain} -> {range_}): {meaning(iri)}")
    return "\n".join(lines)


def query_catalogue(library: QueryLibrary) -> list[dict[str, Any]]:
    """The stored queries as the model sees them: name, title, parameters and text."""
    return [
        {
            "name": query.name,
            "title": query.title,
            "parameters": [
                {"name": p.name, "type": p.type.value, "description": p.description}
                for p in query.parameters
            ],
            "sparql": query.sparql[:_QUERY_TEXT_LIMIT],
        }
        for query in library
    ]


def check_question(question: str) -> str:
    """The question, stripped; an empty or overlong one is an error."""
    text = question.strip()
    if not text:
        raise InputError("the question is empty", expected="a question about the register")
    if len(text) > MAX_QUESTION:
        raise InputError(
            f"the question is {len(text)} characters long",
            expected=f"at most {MAX_QUESTION} characters",
        )
    return text


def build_messages(template: PromptTemplate, question: str, library: QueryLibrary) -> list[Message]:
    user = template.render_user(
        question_json=data_block_json(question),
        prefixes=sparql_prefix_block().strip(),
        ontology=ontology_summary(),
        queries_json=data_block_json(query_catalogue(library)),
    )
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


# --- what the model answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class DraftParameter:
    name: str
    type: ParamType
    default: str
    description: str


@dataclass(frozen=True)
class Answer:
    """The model's answer as parsed, before any check of the query."""

    sparql: str
    explanation: str = ""
    parameters: tuple[DraftParameter, ...] = ()


def parse_answer(content: str) -> Answer:
    """The query the model wrote: a JSON object with ``sparql`` (as the template asks), or, from
    an endpoint that ignored the format, bare query text (in a code fence or not). Anything else
    raises ModelCallError; the query itself is checked later, by the guard."""
    text = strip_fence(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if data is None:
        if _SPARQL_START.match(_without_leading_comments(text)):
            return Answer(sparql=text)
        raise ModelCallError(
            "the model's answer is neither the JSON object asked for nor a SPARQL query: "
            + _quote(text)
        )
    if not isinstance(data, dict):
        raise ModelCallError("the model's answer is JSON but not an object: " + _quote(text))
    sparql = data.get("sparql")
    if not isinstance(sparql, str) or not sparql.strip():
        raise ModelCallError("the model's answer has no SPARQL query (the field 'sparql')")
    explanation = data.get("explanation")
    return Answer(
        sparql=sparql.strip(),
        explanation=" ".join(explanation.split()) if isinstance(explanation, str) else "",
        parameters=_parameters(data.get("parameters")),
    )


def _without_leading_comments(text: str) -> str:
    lines = text.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        lines.pop(0)
    return "\n".join(lines)


def _quote(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[:limit] + "…")


def _parameters(raw: object) -> tuple[DraftParameter, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ModelCallError("the model's 'parameters' is not a list")
    found: list[DraftParameter] = []
    for index, item in enumerate(raw, start=1):
        where = Location(file=ORIGIN, column=f"parameters[{index}]")
        if not isinstance(item, dict):
            raise InputError("a parameter of the model's query is not an object", location=where)
        name = str(item.get("name", "")).strip().removeprefix("?")
        if not _PARAMETER_NAME.match(name) or name in {p.name for p in found}:
            raise InputError(
                "the model declared a parameter name that cannot be used",
                location=where,
                value=name,
                expected="a new SPARQL variable name: letters, digits and '_'",
            )
        try:
            kind = ParamType(str(item.get("type", "")).strip().lower())
        except ValueError:
            raise InputError(
                f"the model declared parameter {name!r} with an unknown type",
                location=where,
                value=item.get("type"),
                expected=", ".join(t.value for t in ParamType),
            ) from None
        default = " ".join(str(item.get("default") or "").split())
        if '"' in default:
            raise InputError(
                f"the default of the model's parameter {name!r} holds a double quote",
                location=where,
                value=default,
                expected="a value without '\"'",
            )
        description = " ".join(str(item.get("description") or "").split())
        found.append(DraftParameter(name, kind, default, description))
    return tuple(found)


# --- the drafted query ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftedQuery:
    """A query drafted from a question, accepted by the guard and parsed; ready to run."""

    question: str
    answer: Answer
    query: StoredQuery
    """The query with its header (title, the question, parameters): what runs and is saved."""
    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    model: str = ""
    template: str = ""
    template_sha256: str = ""
    request_sha256: str | None = None
    host: str = ""
    """The endpoint's host (and port) that drafted it."""
    flags: list[str] = field(default_factory=list)

    @property
    def sparql(self) -> str:
        """The query as the model wrote it."""
        return self.answer.sparql

    @property
    def query_sha256(self) -> str:
        return hashlib.sha256(self.answer.sparql.encode("utf-8")).hexdigest()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _header_param(param: DraftParameter) -> str:
    spec = param.type.value
    if param.default:
        default = param.default
        if any(c in default for c in ",)") or default != default.strip():
            default = f'"{default}"'
        spec += f", default {default}"
    else:
        spec += ", optional"
    return f"# param: {param.name} ({spec}) {param.description}".rstrip()


def query_text(
    question: str,
    answer: Answer,
    *,
    title: str,
    model: str,
    template: str,
    day: str,
) -> str:
    """The ``.rq`` text of a drafted query: a header whose description is the question, a
    comment saying where it came from, the standard prefixes, and the model's query as written.
    Every header value is one line, so nothing the model or the question holds can add a header
    field; a blank line ends the header before the model's text."""
    lines = [f"# title: {_one_line(title)}"]
    description = textwrap.wrap(_one_line(question), width=90) or [""]
    lines.append(f"# description: {description[0]}")
    lines += [f"#   {line}" for line in description[1:]]
    lines += [_header_param(p) for p in answer.parameters]
    lines.append(f"# tags: {ASK_TAG}")
    lines.append("")
    lines.append(
        f"# Drafted by {_one_line(model) or 'a language model'} from the question above "
        f"(prompt {template}) on {day}; read it before you trust it."
    )
    return "\n".join(lines) + "\n" + sparql_prefix_block() + answer.sparql.rstrip() + "\n"


def check_answer(
    question: str,
    answer: Answer,
    *,
    title: str | None = None,
    model: str = "",
    template: PromptTemplate | None = None,
    request_sha256: str | None = None,
    day: str | None = None,
) -> DraftedQuery:
    """The model's query through the read-only guard (first, on the text exactly as the model
    wrote it), then with its header through the guard again and the parser. Raises
    ``UnsafeQueryError`` for anything but a read-only query, ``InputError`` for one that does
    not parse; nothing runs in either case."""
    check_read_only(answer.sparql, ORIGIN)
    label = template.label if template else ""
    text = query_text(
        question,
        answer,
        title=title or f"Asked: {_one_line(question)}",
        model=model,
        template=label,
        day=day or clock.today().isoformat(),
    )
    form = check_read_only(text, ORIGIN)
    check_syntax(text, origin=ORIGIN)
    query = parse_stored_query(text, name="asked", source=QuerySource.AD_HOC)
    flags = [
        f"parameter {p.name!r} is not used in the query"
        for p in answer.parameters
        if not re.search(rf"[?$]{re.escape(p.name)}\b", answer.sparql)
    ]
    return DraftedQuery(
        question=question,
        answer=answer,
        query=query,
        form=form,
        model=model,
        template=label,
        template_sha256=template.sha256 if template else "",
        request_sha256=request_sha256,
        flags=flags,
    )


# --- asking -------------------------------------------------------------------------------------


def _library(register: Register) -> QueryLibrary:
    return load_library(register.queries_dir)


def draft_query(
    register: Register,
    question: str,
    *,
    endpoint: Endpoint | None = None,
    client: ChatClient | None = None,
    face: str = "cli",
) -> DraftedQuery:
    """Ask the model for a query answering ``question``; the guard-checked draft. The ask is
    recorded in the audit trail whatever happens (refused, not SPARQL, model error)."""
    from riskgraph.assistant.chat import ChatClient

    text = check_question(question)
    template = PromptTemplate.load(*ASK_QUERY)
    messages = build_messages(template, text, _library(register))
    own = client is None
    if client is None:
        if endpoint is None:
            raise UserError("the assistant has no endpoint configured")
        client = ChatClient(endpoint, backoff_base=register.config.assistant.backoff_seconds)
    model = client.endpoint.model
    request_sha256: str | None = None
    query_sha256: str | None = None
    try:
        answer_text = client.complete(
            messages, template.response_schema, TOOL, schema_name=SCHEMA_NAME
        )
        model = answer_text.model
        request_sha256 = answer_text.request_sha256
        answer = parse_answer(answer_text.content)
        query_sha256 = hashlib.sha256(answer.sparql.encode("utf-8")).hexdigest()
        drafted = check_answer(
            text, answer, model=model, template=template, request_sha256=request_sha256
        )
        drafted = replace(drafted, host=client.endpoint.host)
    except RiskgraphError as exc:
        record_ask(
            register,
            question=text,
            model=model,
            template=template,
            host=client.endpoint.host,
            request_sha256=request_sha256,
            query_sha256=query_sha256,
            ran=False,
            outcome=f"refused: {exc}",
            face=face,
        )
        raise
    finally:
        if own:
            client.close()
    return drafted


def ask_request(register: Register, question: str, endpoint: Endpoint) -> SentRequest:
    """The exact request ``draft_query`` would send, recorded without opening a connection."""
    from riskgraph.assistant.chat import ChatClient

    text = check_question(question)
    template = PromptTemplate.load(*ASK_QUERY)
    messages = build_messages(template, text, _library(register))
    client = ChatClient(endpoint, dry_run=True)
    try:
        return client.capture(messages, template.response_schema, SCHEMA_NAME)
    finally:
        client.close()


def record_ask(
    register: Register,
    *,
    question: str,
    model: str,
    template: PromptTemplate,
    host: str,
    request_sha256: str | None,
    query_sha256: str | None,
    ran: bool,
    outcome: str,
    face: str = "cli",
) -> None:
    """One ask in the register's audit trail (no revision change: the trail is bookkeeping)."""
    from riskgraph.trail import call_quads, record_call

    arguments = {
        "question": question,
        "model": model,
        "endpoint": host,
        "prompt": template.label,
        "prompt_sha256": template.sha256,
        "request_sha256": request_sha256,
        "query_sha256": query_sha256,
        "ran": ran,
    }
    quads = call_quads(
        face=face, tool=TOOL, client=model or "model", arguments=arguments, outcome=outcome[:500]
    )
    with register.writer() as store:
        record_call(store, quads)


def record_outcome(
    register: Register, drafted: DraftedQuery, *, ran: bool, outcome: str, face: str
) -> None:
    """The trail entry of a drafted query that was run (or failed to run)."""
    record_ask(
        register,
        question=drafted.question,
        model=drafted.model,
        template=PromptTemplate.load(*ASK_QUERY),
        host=drafted.host,
        request_sha256=drafted.request_sha256,
        query_sha256=drafted.query_sha256,
        ran=ran,
        outcome=outcome,
        face=face,
    )


# --- saving -------------------------------------------------------------------------------------


def check_save_name(register: Register, name: str) -> Path:
    """Where a query called ``name`` would be saved; an unusable or taken name is an error."""
    if not _NAME.match(name):
        raise InputError(
            "not a usable query name",
            value=name,
            expected="letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    folder = register.queries_dir
    if folder is None:
        raise UserError("this register has no folder for its own queries (it is not on disk)")
    if name in _library(register) or name in _library(register).problems:
        raise UserError(
            f"there is already a stored query called {name!r}; choose another name "
            "(a saved question never replaces a query)"
        )
    return folder / (name + QUERY_SUFFIX)


def save_query(
    register: Register, drafted: DraftedQuery, name: str, title: str, day: date | None = None
) -> Path:
    """Write the drafted query to the register's queries folder under ``name``, with ``title``;
    the file is checked like every stored query (header, guard) before it is written."""
    path = check_save_name(register, name)
    if not title.strip():
        raise InputError("the title of the saved query is empty", expected="some words")
    text = query_text(
        drafted.question,
        drafted.answer,
        title=title,
        model=drafted.model,
        template=drafted.template,
        day=(day or clock.today()).isoformat(),
    )
    stored = parse_stored_query(text, name=name, source=QuerySource.REGISTER, path=str(path))
    check_read_only(stored.sparql, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
