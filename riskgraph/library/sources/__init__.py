"""Readers that turn published frameworks (as their publishers ship them) into libraries.

Each reader takes the source folder or file and returns a ``riskgraph.library.model.Library``.
The build script (``scripts/build_libraries.py``) uses them to make the bundled libraries, and
``riskgraph library import`` uses them for a user's own copy.
"""
