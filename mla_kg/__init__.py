"""mla-kg: a knowledge graph of mutual legal assistance instruments in criminal matters.

>>> from mla_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> "eu-jp-mla" in kg.instruments()
True
"""

from mla_kg.errors import (
    InvalidParameter,
    LoadError,
    MissingParameter,
    MlaKgError,
    QueryError,
    QueryTimeout,
    ShapeViolation,
    UnknownFeature,
    UnknownInstrument,
    UnknownQuery,
    UnknownState,
    UnsupportedFormat,
)
from mla_kg.graph.results import QueryResult
from mla_kg.knowledge_graph import KnowledgeGraph

__version__ = "0.1.0"

__all__ = [
    "InvalidParameter",
    "KnowledgeGraph",
    "LoadError",
    "MissingParameter",
    "MlaKgError",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "ShapeViolation",
    "UnknownFeature",
    "UnknownInstrument",
    "UnknownQuery",
    "UnknownState",
    "UnsupportedFormat",
    "__version__",
]
