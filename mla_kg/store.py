"""The old home of the knowledge graph, kept so that ``from mla_kg.store import ...`` still works.

The graph layer now lives in :mod:`mla_kg.graph` (results, engines, the store) and the facade
in :mod:`mla_kg.knowledge_graph`; import from there, or simply ``from mla_kg import
KnowledgeGraph``.
"""

from mla_kg.graph.embedded import BACKENDS
from mla_kg.graph.files import OUTPUT_FORMATS, read_graph
from mla_kg.graph.results import QueryResult, normalise
from mla_kg.graph.store import Engine, GraphStore
from mla_kg.knowledge_graph import KnowledgeGraph

__all__ = [
    "BACKENDS",
    "OUTPUT_FORMATS",
    "Engine",
    "GraphStore",
    "KnowledgeGraph",
    "QueryResult",
    "normalise",
    "read_graph",
]
