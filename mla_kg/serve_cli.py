"""The old import path of :mod:`mla_kg.cli.serve` (the ``mla-kg`` commands now live in cli/).

The module object is the same one (not a copy), so its names keep working.
"""

import sys

from mla_kg.cli import serve

sys.modules[__name__] = serve
