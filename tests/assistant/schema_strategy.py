"""Hypothesis strategies for every JSON value a JSON Schema admits, for the keywords the
assistant's response schema uses.

hypothesis-jsonschema would be the library for this, but its 0.23 release (the latest) fails
inside the Hypothesis version this project uses ("'many' object has no attribute 'more'"), so
the small subset of JSON Schema the response schema uses is generated here. Any other keyword
is an error, so the strategy can never silently generate from less than the whole schema.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KNOWN = {
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "anyOf",
    "enum",
    "items",
    "maxItems",
    "minItems",
    "minimum",
    "maximum",
}

# any text a model could send: every code point, lone surrogates, escapes and control characters
_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TEXT = st.one_of(
    st.text(_CHAR, max_size=40),
    st.text(st.sampled_from("[]/\x1b\x00\x07\n\r\t \u202e\u200b<>&\"'\\{}"), max_size=30),
    st.builds(lambda c, n: c * n, st.characters(exclude_categories=("Cs",)), st.integers(0, 5000)),
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"the strategy does not know {sorted(unknown)}")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(s) for s in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "object":
        if schema.get("additionalProperties") is not False:
            raise ValueError("only closed objects are generated")
        props = schema["properties"]
        if set(schema.get("required", [])) != set(props):
            raise ValueError("only objects whose properties are all required are generated")
        return st.fixed_dictionaries({name: from_schema(sub) for name, sub in props.items()})
    if kind == "array":
        return st.lists(
            from_schema(schema["items"]),
            min_size=schema.get("minItems", 0),
            max_size=schema.get("maxItems", 12),
        )
    if kind == "string":
        return TEXT
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "null":
        return st.none()
    raise ValueError(f"the strategy does not know type {kind!r}")
