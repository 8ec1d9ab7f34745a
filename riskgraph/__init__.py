"""riskgraph: an AI risk register as an RDF knowledge graph, aligned with ISO/IEC 42001:2023."""

__version__ = "0.1.0"
