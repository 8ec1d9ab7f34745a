"""Stored SPARQL queries: the ``.rq`` format (``header``), the library of built-in and register
queries (``library``), and the safe read-only runner (``runner``)."""

from riskgraph.queries.header import parse_ad_hoc, parse_stored_query
from riskgraph.queries.isolation import DEFAULT_MEMORY_LIMIT, QueryMemoryError
from riskgraph.queries.library import (
    AUDIT_TAG,
    GAPS_TAG,
    QueryLibrary,
    builtin_queries,
    load_library,
)
from riskgraph.queries.model import ParamType, QueryParameter, QuerySource, StoredQuery
from riskgraph.queries.params import ParamValue, bind_parameters, resolve_iri
from riskgraph.queries.runner import (
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIME_LIMIT,
    QueryRun,
    QueryTimeoutError,
    background_evaluations,
    count_rows,
    run_query,
)
from riskgraph.sparql.guard import UnsafeQueryError, check_read_only

__all__ = [
    "AUDIT_TAG",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_ROW_LIMIT",
    "DEFAULT_TIME_LIMIT",
    "GAPS_TAG",
    "ParamType",
    "ParamValue",
    "QueryLibrary",
    "QueryMemoryError",
    "QueryParameter",
    "QueryRun",
    "QuerySource",
    "QueryTimeoutError",
    "StoredQuery",
    "UnsafeQueryError",
    "background_evaluations",
    "bind_parameters",
    "builtin_queries",
    "check_read_only",
    "count_rows",
    "load_library",
    "parse_ad_hoc",
    "parse_stored_query",
    "resolve_iri",
    "run_query",
]
