"""The export dialog of the query console."""
