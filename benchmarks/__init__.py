"""Benchmarks for riskgraph: synthetic data generators and (later) the benchmark runner."""
