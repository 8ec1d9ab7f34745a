"""The MCP server: tools and resources over one register, with every tool call audited.

Read tools are always there. Draft tools are there only when the server was started with drafts
allowed (``riskgraph mcp --allow-drafts``); even then they can only add pending drafts. There is
no tool that approves, edits or deletes anything, so no argument an agent sends can change the
register itself. Every ``tools/call`` (answered, failed or refused, known tool or not) is
recorded in the register's audit trail by a middleware, before the answer goes back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from riskgraph import __version__
from riskgraph.errors import UserError
from riskgraph.mcp import tools
from riskgraph.register import Register

if TYPE_CHECKING:
    from pydantic import BaseModel

log = logging.getLogger(__name__)

T = TypeVar("T")

_READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
_DRAFT = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)

INSTRUCTIONS = (
    "riskgraph serves an organisation's AI risk register (ISO/IEC 42001). Read with the tools; "
    "IDs look like R-001 (risks), SYS-CHATBOT (AI systems), C-004 (controls), A.6.2.4 (Annex A "
    "controls). Stored queries answer most audit questions: list them first. Anything you "
    "propose is a draft that counts for nothing until a named person reviews it."
)


def _compact_schema(model: type[BaseModel]) -> str:
    """A tool argument's JSON Schema in compact JSON, for the tool's description."""
    return json.dumps(model.model_json_schema(), separators=(",", ":"))


def _client_name(ctx: Any) -> str:
    """The MCP client as it introduced itself (name and version), or 'unknown client'."""
    try:
        params = ctx.session.client_params
        info = params.client_info if params is not None else None
    except Exception:  # the session may not carry handshake data (modern protocol versions)
        info = None
    if info is None:
        return "unknown client"
    version = getattr(info, "version", None)
    return f"{info.name} {version}".strip() if version else str(info.name)


class AuditTrail:
    """Middleware that records every ``tools/call`` in the register's audit trail."""

    def __init__(self, register: Register) -> None:
        self.register = register

    async def __call__(self, ctx: Any, call_next: Callable[[Any], Any]) -> Any:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        params = ctx.params if isinstance(ctx.params, dict) else {}
        tool = str(params.get("name", "?"))
        arguments = params.get("arguments") or {}
        if not isinstance(arguments, dict):
            arguments = {"arguments": arguments}
        client = _client_name(ctx)
        try:
            result = await call_next(ctx)
        except Exception as exc:
            await self._record(tool, client, arguments, f"refused: {exc}")
            raise
        await self._record(tool, client, arguments, _outcome(result))
        return result

    async def _record(
        self, tool: str, client: str, arguments: dict[str, Any], outcome: str
    ) -> None:
        from riskgraph.trail import call_quads, record_call

        quads = call_quads(
            face="mcp", tool=tool, client=client, arguments=arguments, outcome=outcome
        )

        def write() -> None:
            with self.register.writer() as store:
                record_call(store, quads)

        await anyio.to_thread.run_sync(write)


def _outcome(result: Any) -> str:
    data = result.model_dump(by_alias=True) if hasattr(result, "model_dump") else result
    if isinstance(data, dict) and data.get("isError"):
        texts = [c.get("text", "") for c in data.get("content") or [] if isinstance(c, dict)]
        return "error: " + " ".join(t for t in texts if t)[:500]
    return "ok"


async def _run(work: Callable[[], T]) -> T:
    """Run core work in one worker thread; a user's mistake becomes the tool's error text."""

    def guarded() -> T:
        try:
            return work()
        except UserError as exc:
            raise ToolError(str(exc)) from None

    return await anyio.to_thread.run_sync(guarded)


def build_server(register: Register, *, allow_drafts: bool = False) -> MCPServer:
    """An MCP server over ``register``; draft tools only when ``allow_drafts``."""
    server: MCPServer = MCPServer(
        name="riskgraph",
        title=f"riskgraph: {register.display_name}",
        instructions=INSTRUCTIONS,
        version=__version__,
        middleware=[AuditTrail(register)],
    )

    @server.tool(annotations=_READ)
    async def list_queries() -> dict[str, Any]:
        """List the stored SPARQL queries (built-in and the register's own): name, title,
        description, tags and typed parameters. Run one with run_query."""
        return {"queries": await _run(lambda: tools.list_queries(register))}

    @server.tool(annotations=_READ)
    async def run_query(
        name: str, parameters: dict[str, str] | None = None, limit: int = 100
    ) -> dict[str, Any]:
        """Run a stored query by name. Parameters are bound as typed values (IDs like SYS-CREDIT
        for iri parameters, YYYY-MM-DD for dates), never pasted into the query text. Returns
        columns and rows (at most `limit`, up to 1000) and whether rows were cut."""
        return await _run(lambda: tools.run_stored_query(register, name, parameters or {}, limit))

    @server.tool(annotations=_READ)
    async def gaps(system: str | None = None) -> dict[str, Any]:
        """Where coverage is missing: every gap rule's findings (risks above appetite without
        controls or approved treatment, Annex A controls nobody implements, ...). `system` is an
        AI system ID to focus on one system."""
        return await _run(lambda: tools.gaps(register, system))

    @server.tool(annotations=_READ)
    async def readiness() -> dict[str, Any]:
        """Certification readiness: per stage of the ISO/IEC 42001 journey (gap analysis,
        implementation, internal audit, certification audit, surveillance) its state and each
        criterion: met or not, what the register shows, what is missing, the data it looked at."""
        return await _run(lambda: tools.readiness(register))

    @server.tool(annotations=_READ)
    async def show(id: str) -> dict[str, Any]:
        """One register entity (e.g. R-001) or catalogue item (e.g. A.6.2.4) in detail: its
        fields, levels and links both ways."""
        return await _run(lambda: tools.show(register, id))

    @server.tool(annotations=_READ)
    async def trace(id: str) -> dict[str, Any]:
        """Follow the graph from an AI system down to its risks, controls, Annex A controls and
        clauses, or up from an Annex A control or clause to what it protects."""
        return await _run(lambda: tools.trace(register, id))

    @server.tool(annotations=_READ)
    async def impact(ids: list[str]) -> dict[str, Any]:
        """Blast radius: what is exposed if these models, datasets, suppliers or controls fail or
        are withdrawn (systems exposed, risks whose level rises, coverage lost)."""
        return await _run(lambda: tools.impact(register, ids))

    @server.tool(annotations=_READ)
    async def search(text: str, limit: int = 20) -> dict[str, Any]:
        """Find register entities whose ID, title or description contains `text`."""
        return await _run(lambda: tools.search(register, text, limit))

    @server.tool(annotations=_READ)
    async def statement_of_applicability() -> dict[str, Any]:
        """The Statement of Applicability: one row per ISO/IEC 42001 Annex A control, with
        applicability, justification, implementation status, controls, risks and evidence."""
        return await _run(lambda: tools.soa(register))

    @server.tool(annotations=_READ)
    async def framework_coverage(
        framework: str, by: str = "register", max_hops: int | None = None
    ) -> dict[str, Any]:
        """Framework coverage: which concepts of `framework` (iso42001-annex-a, iso42001, a
        loaded library such as nist-ai-rmf or owasp-llm-2.0, or a taxonomy in one) the
        register's risks and controls address directly or through crosswalks, and which not.
        `by` is "register" (default) or a loaded library; `max_hops` (1 to 6, default 4) is the
        longest chain of mappings followed. Each concept comes with its status, what addresses
        it and the shortest chain."""
        return await _run(lambda: tools.framework_coverage(register, framework, by, max_hops))

    @server.tool(annotations=_READ)
    async def snapshots() -> dict[str, Any]:
        """The register's snapshots (named, hashed, read-only copies, e.g. one per audit),
        oldest first: name, creation time, revision, register hash and size. Compare two with
        diff."""
        return await _run(lambda: tools.snapshots(register))

    @server.tool(annotations=_READ)
    async def diff(before: str, after: str = "now") -> dict[str, Any]:
        """What was added, removed and changed in the register between snapshot `before` and
        snapshot `after` (or "now", the register as it is): entity by entity, and for each
        changed field its values before and after."""
        return await _run(lambda: tools.diff(register, before, after))

    @server.resource(
        "riskgraph://ontology",
        name="ontology",
        description="The riskgraph OWL ontology (Turtle)",
        mime_type="text/turtle",
    )
    def ontology() -> str:
        return tools.ontology_turtle()

    @server.resource(
        "riskgraph://queries/{name}",
        name="stored-query",
        description="A stored SPARQL query, header included",
        mime_type="application/sparql-query",
    )
    def stored_query(name: str) -> str:
        try:
            return tools.stored_query_text(register, name)
        except UserError as exc:
            raise ToolError(str(exc)) from None

    if allow_drafts:
        _add_draft_tools(server, register)
        _add_candidate_tool(server, register)
        _add_mapping_tool(server, register)
    return server


def _add_draft_tools(server: MCPServer, register: Register) -> None:
    from riskgraph.assistant.schema import TreatmentDraft

    schema = _compact_schema(TreatmentDraft)
    description = (
        "Propose a treatment for a risk. It is stored as a PENDING draft that counts for nothing "
        "until a named person reviews it (riskgraph assist review); this tool cannot approve, "
        "edit or delete anything. `draft` must follow this JSON Schema: " + schema
    )

    @server.tool(annotations=_DRAFT, description=description)
    async def draft_treatment(risk_id: str, draft: dict[str, Any], ctx: Context) -> dict[str, Any]:
        from riskgraph.mcp.drafts import store_agent_draft

        client = _client_name(ctx)
        return await _run(lambda: store_agent_draft(register, risk_id, draft, client=client))


def _add_candidate_tool(server: MCPServer, register: Register) -> None:
    from riskgraph.assistant.identify import AnswerCandidate

    schema = _compact_schema(AnswerCandidate)
    description = (
        "Propose a candidate risk for an AI system, citing risk concepts of the register's loaded "
        "libraries as LIBRARY:NOTATION (e.g. finos-aigf:ri-16). It is stored as a PENDING "
        "candidate that counts for nothing until a named person accepts it (riskgraph assist "
        "review); concepts that are in no loaded library are flagged and never linked. This "
        "tool cannot approve, edit or delete anything. `candidate` must follow this JSON "
        "Schema: " + schema
    )

    @server.tool(annotations=_DRAFT, description=description)
    async def draft_risk(system_id: str, candidate: dict[str, Any], ctx: Context) -> dict[str, Any]:
        from riskgraph.assistant.candidates import store_agent_candidate

        client = _client_name(ctx)
        return await _run(
            lambda: store_agent_candidate(register, system_id, candidate, client=client)
        )


def _add_mapping_tool(server: MCPServer, register: Register) -> None:
    from riskgraph.assistant.mappings import MappingProposal

    schema = _compact_schema(MappingProposal)
    description = (
        "Propose a mapping from a register risk, control or evidence to a concept of a loaded "
        "library (LIBRARY:NOTATION, e.g. finos-aigf:ri-16) or an ISO/IEC 42001 Annex A control "
        "(e.g. A.6.2.4). Both must exist. It is stored as a PENDING mapping draft that counts "
        "for nothing until a named person accepts it (riskgraph assist review); this tool "
        "cannot approve, edit or delete anything. `mapping` must follow this JSON Schema: " + schema
    )

    @server.tool(annotations=_DRAFT, description=description)
    async def draft_mapping(mapping: dict[str, Any], ctx: Context) -> dict[str, Any]:
        from riskgraph.assistant.mappings import store_agent_mapping

        client = _client_name(ctx)
        return await _run(lambda: store_agent_mapping(register, mapping, client=client))


def serve_stdio(register: Register, *, allow_drafts: bool) -> None:
    build_server(register, allow_drafts=allow_drafts).run("stdio")


def serve_http(register: Register, *, allow_drafts: bool, host: str, port: int) -> None:
    build_server(register, allow_drafts=allow_drafts).run("streamable-http", host=host, port=port)
