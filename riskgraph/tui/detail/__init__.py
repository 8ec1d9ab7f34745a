"""Exploring the graph: the detail pane, the explorer screen and the neighbourhood view."""
