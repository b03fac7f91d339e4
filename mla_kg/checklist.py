"""The old import path of :mod:`mla_kg.planning.checklist`, kept for existing imports.

The module object is the same one (not a copy), so names, private helpers and patches agree.
"""

import sys

from mla_kg.planning import checklist

sys.modules[__name__] = checklist
