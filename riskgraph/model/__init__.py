"""Domain models of the register and their mapping to RDF."""
