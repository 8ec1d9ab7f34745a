"""The Statement of Applicability files and the self-contained HTML audit report.

``builder.build_report`` gathers the report's content, ``render.render_report`` turns it into
one HTML page; ``soa_formats.write_soa`` writes the Statement of Applicability as XLSX, CSV,
Markdown or HTML. Charts are inline SVG drawn by ``svg``; colours come from ``palette``.
"""
