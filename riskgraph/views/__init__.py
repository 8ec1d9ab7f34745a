"""Read models: what every face (CLI, TUI, reports, MCP) shows about the register, built once.

- ``nodes``: how any node is named (key, title) and the kind of a node, in words.
- ``detail``: one node in detail, register entity or catalogue item, with its links both ways.
- ``listing``: records of one kind, their columns, filters (``--where``) and sort order.
- ``table``: a listing as rows of display text with facets (the TUI browser), same order.
- ``heatmap``: risks placed on their matrix, inherent and residual.
- ``dashboard``: counts, the register matrix's heatmaps, risks above appetite, reviews due.

Views sit above the model and the store and below the faces and the reports; they import
neither textual nor openai, and never print.
"""
