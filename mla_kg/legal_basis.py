"""The old import path of :mod:`mla_kg.planning.legal_basis`, kept for existing imports.

Every name of the new module (its helpers too) is the same object here.
"""

from mla_kg.planning import legal_basis as _new

globals().update({name: value for name, value in vars(_new).items() if not name.startswith("__")})
