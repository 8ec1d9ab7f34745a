"""The query console: SPARQL editor, stored queries with parameters, results, export."""
