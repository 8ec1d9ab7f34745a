"""Risk and control libraries, and crosswalks between frameworks with their provenance.

Core package: it imports neither textual nor openai. See docs/libraries.md.
"""
