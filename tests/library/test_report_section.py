"""The HTML report's section on libraries: attribution of what is loaded, framework coverage."""

from __future__ import annotations

from datetime import date

from riskgraph.analysis.report.builder import build_report
from riskgraph.analysis.report.render import render_report
from riskgraph.library.adopt import adopt
from riskgraph.library.catalogue import load
from riskgraph.library.model import Library, Mapping, Scheme
from riskgraph.register import Register
from riskgraph.vocab import ISO42001


def _html(register: Register) -> str:
    with register.reader() as store:
        return render_report(build_report(register, store, today=date(2026, 12, 4)))


def test_without_libraries_the_section_says_so(memory_register: Register) -> None:
    html = _html(memory_register)
    assert 'id="libraries"' in html and "No libraries are loaded" in html


def test_loaded_libraries_show_attribution_and_coverage(memory_register: Register) -> None:
    load(memory_register, ["finos-aigf", "nist-ai-rmf"])
    adopt(memory_register, "finos-aigf:mi-3")
    with memory_register.reader() as store:
        report = build_report(memory_register, store, today=date(2026, 12, 4))
    assert report.libraries is not None
    by_name = {c.framework: c for c in report.libraries.coverage}
    assert set(by_name) == {"iso42001-annex-a", "nist-ai-rmf"}
    annex = by_name["iso42001-annex-a"]
    assert annex.total == 38 and annex.direct >= 3
    assert by_name["nist-ai-rmf"].total == 72
    html = render_report(report)
    assert "Fintech Open Source Foundation (FINOS) and its contributors" in html
    assert "Libraries and framework coverage" in html and "Not addressed" in html


def test_library_text_is_escaped(memory_register: Register) -> None:
    library = Library(
        "tricky",
        Scheme(
            "tricky",
            "Tricky <b>set</b>",
            license="https://example.org/l",
            license_name="L",
            attribution="<script>alert(1)</script>",
            source="https://example.org/s",
            version="1",
        ),
        mappings=[Mapping("https://example.org/x", "closeMatch", ISO42001 + "A.2.2")],
    )
    load(memory_register, [library])
    html = _html(memory_register)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
