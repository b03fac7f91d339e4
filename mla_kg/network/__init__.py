"""Network views of the graph with networkx: who is bound by what, norm lineage, similarity.

:mod:`~mla_kg.network.views` builds the views and exports them (GraphML, GEXF, node-link JSON);
:mod:`~mla_kg.network.drawing` draws them as PNG (matplotlib, the ``plot`` extra, is imported
only when a picture is asked for).
"""

from mla_kg.network.drawing import PlotUnavailable, draw
from mla_kg.network.views import (
    EXPORT_FORMATS,
    NETWORK_FORMATS,
    Similarity,
    export,
    feature_sets,
    jaccard,
    lineage_graph,
    participation_graph,
    similar,
    similarity_matrix,
)

__all__ = [
    "EXPORT_FORMATS",
    "NETWORK_FORMATS",
    "PlotUnavailable",
    "Similarity",
    "draw",
    "export",
    "feature_sets",
    "jaccard",
    "lineage_graph",
    "participation_graph",
    "similar",
    "similarity_matrix",
]
