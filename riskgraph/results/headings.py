"""Column headings people read, for the variables of the stored queries.

A query names its columns with SPARQL variables (``?owner_id``, ``?level_rank``); tables meant
for people (the TUI, the HTML report, the terminal gap tables) show a heading instead: words,
no underscores, and no internal names. Machine forms (CSV, JSON, SPARQL results) keep the
variable names, which are their stable interface.
"""

from __future__ import annotations

HEADINGS: dict[str, str] = {
    "id": "ID",
    "ref": "Reference",
    "iri": "IRI",
    "level_rank": "Level (1 to 7)",
    "annex_a": "Annex A",
    "annex_a_ref": "Annex A",
    "annex_a_heading": "Annex A heading",
    "annex_a_control": "Annex A control",
    "objective_ref": "Objective",
    "soa": "SoA",
    "days_left": "Days left",
}
"""Variables whose heading is not simply their words."""

_SUFFIXES = ("_id", "_ref")
"""A key column is headed by what it identifies: ``owner_id`` is the owner."""


def heading(variable: str) -> str:
    """The heading of a result column: ``owner_id`` -> 'Owner', ``risk_title`` -> 'Risk title',
    ``level_rank`` -> 'Level (1 to 7)', ``id`` -> 'ID'."""
    name = variable.lstrip("?$")
    if name in HEADINGS:
        return HEADINGS[name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name.removesuffix(suffix)
            break
    words = [w for w in name.replace("-", "_").split("_") if w]
    if not words:
        return variable
    words = [HEADINGS.get(w, w) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
