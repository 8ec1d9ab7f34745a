"""Accuracy of the assistant on gold sets from real data: ``python -m benchmarks.assist``."""
