"""SPARQL as text, below the store: the tokenizer, the read-only guard and the query form, and
SPARQL Update text built from quads. Nothing here touches a store."""
