"""The .rq header: a good header in full, and every kind of malformed header."""

from __future__ import annotations

import pytest

from riskgraph.errors import InputError
from riskgraph.queries import ParamType, QuerySource, parse_ad_hoc, parse_stored_query

GOOD = """
# title: Risks above appetite
# description: Risks whose level ranks above the appetite
#   and that have no approved treatment.
#
# param: appetite_rank (integer, default 4) Rank of the appetite,
#   from 1 to 7
# param: system (iri, optional) Only risks affecting this system
# param: label (string, default "a, b) ") Text with a comma and a parenthesis
# param: day (Date, default today)
# param: needed (boolean)
# tags: gaps, risks
PREFIX rg: <https://w3id.org/riskgraph#>
# an ordinary comment after the header
SELECT ?risk WHERE { ?risk a rg:Risk }
"""


def parse(text: str):
    return parse_stored_query(text, name="q", source=QuerySource.REGISTER, path="queries/q.rq")


def test_a_full_header() -> None:
    query = parse(GOOD)
    assert query.title == "Risks above appetite"
    assert query.description == (
        "Risks whose level ranks above the appetite and that have no approved treatment."
    )
    assert query.tags == ("gaps", "risks")
    assert [p.name for p in query.parameters] == [
        "appetite_rank",
        "system",
        "label",
        "day",
        "needed",
    ]
    appetite, system, label, day, needed = query.parameters
    assert (appetite.type, appetite.default, appetite.required) == (ParamType.INTEGER, "4", False)
    assert appetite.description == "Rank of the appetite, from 1 to 7"
    assert (system.type, system.optional, system.required) == (ParamType.IRI, True, False)
    assert label.default == "a, b) "
    assert (day.type, day.default) == (ParamType.DATE, "today")
    assert (needed.type, needed.required, needed.description) == (ParamType.BOOLEAN, True, "")
    assert query.sparql == GOOD
    assert query.accepts("system") and not query.accepts("owner")
    assert query.origin == "queries/q.rq"


def test_ad_hoc_text_needs_no_header() -> None:
    query = parse_ad_hoc("SELECT * WHERE { ?s ?p ?o }")
    assert (query.name, query.source, query.parameters) == ("ad-hoc", QuerySource.AD_HOC, ())


def test_ad_hoc_text_may_declare_parameters() -> None:
    query = parse_ad_hoc("# param: x (integer)\nSELECT * WHERE { ?s ?p ?x }")
    assert [p.name for p in query.parameters] == ["x"]


HEADER = "# title: T\n# description: D\n"
BODY = "SELECT * WHERE { ?s ?p ?o }\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# description: D\n" + BODY, 1, "no '# title:' line"),
        ("# title: T\n" + BODY, 1, "no '# description:' line"),
        ("# title: T\n# description:\n" + BODY, 2, "description is empty"),
        ("# title:\n# description: D\n" + BODY, 1, "title is empty"),
        (HEADER + "# author: me\n" + BODY, 3, "unknown header field 'author'"),
        (HEADER + "# This query finds things\n" + BODY, 3, "not a header line"),
        ("# title: T\n#   more title\n# description: D\n" + BODY, 2, "continues only"),
        (HEADER + "# param: days integer\n" + BODY, 3, "parameter line is not valid"),
        (HEADER + "# param: 2days (integer)\n" + BODY, 3, "parameter name is not valid"),
        (HEADER + "# param: my-days (integer)\n" + BODY, 3, "parameter name is not valid"),
        (HEADER + "# param: days (number)\n" + BODY, 3, "unknown type"),
        (HEADER + "# param: days (integer, mandatory)\n" + BODY, 3, "option that is not valid"),
        (HEADER + "# param: d (integer, optional, optional)\n" + BODY, 3, "is repeated"),
        (HEADER + "# param: d (integer, default 1, optional)\n" + BODY, 3, "both a default"),
        (HEADER + "# param: d (integer)\n# param: d (string)\n" + BODY, 4, "declared twice"),
        ("# title: T\n# title: U\n# description: D\n" + BODY, 2, "more than one 'title'"),
        (HEADER + "# tags: a\n# tags: b\n" + BODY, 4, "more than one 'tags'"),
        (HEADER + "# tags: Gaps\n" + BODY, 3, "tag is not valid"),
        (HEADER + "# param: d (integer, default ten)\n" + BODY, 3, "default of parameter 'd'"),
        (HEADER + "# param: d (date, default 2024-13-01)\n" + BODY, 3, "not a valid date"),
        (HEADER + "# param: d (boolean, default maybe)\n" + BODY, 3, "not a valid boolean"),
        (HEADER + "# param: d (iri, default a b)\n" + BODY, 3, "not a valid iri"),
        (HEADER + "\n\n", 3, "no SPARQL after the header"),
    ],
)
def test_malformed_headers_name_the_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert caught.value.location.file == "queries/q.rq"
    assert caught.value.location.line == line
    assert message in str(caught.value)


def test_ad_hoc_text_starting_with_a_plain_comment_has_no_header() -> None:
    query = parse_ad_hoc("# my query\n# param: x (integer)\nSELECT * WHERE { ?s ?p ?o }")
    assert (query.title, query.parameters) == ("Ad-hoc query", ())


def test_ad_hoc_header_is_still_strict_once_it_starts() -> None:
    with pytest.raises(InputError, match="line 2: unknown header field 'parm'"):
        parse_ad_hoc("# param: x (integer)\n# parm: y (integer)\nSELECT * WHERE { ?s ?p ?x }")
