"""The old import path of :mod:`mla_kg.cli.network`, kept for existing imports.

Every name of the new module (its helpers too) is the same object here.
"""

from mla_kg.cli import network as _new

globals().update({name: value for name, value in vars(_new).items() if not name.startswith("__")})
