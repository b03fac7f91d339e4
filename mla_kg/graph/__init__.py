"""The graph layer: SPARQL engines, named queries, results. It knows no domain module."""
