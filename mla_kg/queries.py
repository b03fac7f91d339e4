"""The old import path of :mod:`mla_kg.graph.queries`, kept so that existing imports keep working.

The module object is the same one (not a copy), so names, private helpers and patches agree.
"""

import sys

from mla_kg.graph import queries

sys.modules[__name__] = queries
