"""The register browser: a tab per kind, incremental search, filters and sortable columns."""
