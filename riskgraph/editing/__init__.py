"""Creating and changing entities from what a person typed: field schema, input parsing
(flags, JSON, YAML), link checks and write planning. Shared by the CLI and the TUI."""
