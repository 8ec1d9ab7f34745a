"""Import and export of register data.

Readers turn a file into candidate entities (``tables``/``template``/``mapping`` for CSV and
XLSX, ``structured`` for YAML and JSON, ``rdf_import`` for RDF); ``checks`` validates them
against the models and the register; ``importer`` plans the upsert and commits it in one
transaction. ``exporter`` writes the register as RDF (``rdf_export``) or in the spreadsheet
template layout (``table_export``). Nothing here prints: progress goes through ``progress``.
"""
