"""Answers computed from the register: statistics, gaps, SoA, report, graph analytics."""
