"""Snapshots in the TUI: the picker that opens one read-only, and the diff screen."""
