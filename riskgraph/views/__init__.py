"""Read models: what every face (CLI, TUI, reports) shows about the register, built once.

- ``listing``: records of one kind, their columns, filters (``--where``) and sort order.

Views sit above the model and the store and below the faces and the reports; they import
neither textual nor openai, and never print.
"""
