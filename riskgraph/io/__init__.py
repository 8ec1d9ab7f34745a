"""Import and export of register data (``riskgraph import`` / ``riskgraph export``).

Import, in the order the work happens:

- ``formats``: which format a file is; ``progress``: progress sinks (the CLI draws the bar).
- Readers turn a file into candidate entities (``records``), each with where it came from:
  ``template_import`` (CSV/XLSX in riskgraph's template, see ``template``), ``mapped_import``
  (CSV/XLSX through a mapping file, see ``mapping``), ``structured`` (YAML/JSON, with line
  numbers from ``yaml_lines``) and ``rdf_import`` (RDF). ``tables`` reads the rows of CSV
  files and XLSX sheets; ``problems`` turns model errors into InputErrors.
- ``checks``: duplicate IDs, kinds already taken and links, against the register's state.
- ``importer``: runs it all under the writer lock (``Register.write_session``) and commits once.

Export: ``exporter`` writes ``rdf_export`` (RDF formats) or ``table_export`` (the template).
Nothing here prints.
"""
