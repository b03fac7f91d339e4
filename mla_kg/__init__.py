"""mla-kg: a knowledge graph of mutual legal assistance instruments in criminal matters.

>>> from mla_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> "eu-jp-mla" in kg.instruments()
True
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing alone costs ~10 ms

__version__ = "0.1.0"

# The public names, imported on first use: ``mla-kg --version`` and tools that need only
# ``mla_kg.paths`` then start without loading rdflib, pyoxigraph and the domain modules.
_LAZY = {
    "KnowledgeGraph": "mla_kg.knowledge_graph",
    "QueryResult": "mla_kg.graph.results",
    **dict.fromkeys(
        (
            "InvalidParameter",
            "LoadError",
            "MissingExtra",
            "MissingParameter",
            "MlaKgError",
            "NotAMeasure",
            "OutputUnwritable",
            "QueryError",
            "QueryFileNotFound",
            "QueryTimeout",
            "ShapeViolation",
            "UnknownBackend",
            "UnknownFeature",
            "UnknownInstrument",
            "UnknownQuery",
            "UnknownState",
            "UnsupportedFormat",
        ),
        "mla_kg.errors",
    ),
}

if TYPE_CHECKING:
    from typing import Any

    from mla_kg.errors import (
        InvalidParameter,
        LoadError,
        MissingExtra,
        MissingParameter,
        MlaKgError,
        NotAMeasure,
        OutputUnwritable,
        QueryError,
        QueryFileNotFound,
        QueryTimeout,
        ShapeViolation,
        UnknownBackend,
        UnknownFeature,
        UnknownInstrument,
        UnknownQuery,
        UnknownState,
        UnsupportedFormat,
    )
    from mla_kg.graph.results import QueryResult
    from mla_kg.knowledge_graph import KnowledgeGraph


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mla_kg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "InvalidParameter",
    "KnowledgeGraph",
    "LoadError",
    "MissingExtra",
    "MissingParameter",
    "MlaKgError",
    "NotAMeasure",
    "OutputUnwritable",
    "QueryError",
    "QueryFileNotFound",
    "QueryResult",
    "QueryTimeout",
    "ShapeViolation",
    "UnknownBackend",
    "UnknownFeature",
    "UnknownInstrument",
    "UnknownQuery",
    "UnknownState",
    "UnsupportedFormat",
    "__version__",
]
