"""The MCP face: the register served to AI agents and IDEs over the Model Context Protocol.

Agents read through the same core functions as the CLI and the TUI (stored queries, gaps, entity
detail, trace, impact, the SoA). With drafts allowed they may propose treatments, risks and
mappings, which land in the drafts graph, pending, exactly like the assistant's drafts: nothing
an agent sends can approve, delete or edit the register. Every call is recorded in the
register's audit trail (``riskgraph.trail``). See docs/mcp.md.
"""
