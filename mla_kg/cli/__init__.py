"""The ``mla-kg`` command line: thin commands over the library, one module per command group.

:mod:`~mla_kg.cli.app` holds the app, its global options and :func:`graph` (the one loader of a
command's graph); :mod:`~mla_kg.cli.output` what commands share to write. Each command module
registers its commands on the app when it is imported, here.
"""

from importlib import import_module

from mla_kg.cli.app import app, graph

# In the order ``mla-kg --help`` lists the commands (Typer keeps the order of registration).
COMMAND_MODULES = (
    "data",
    "push",
    "compare",
    "planning",
    "drafting",
    "network",
    "serve",
    "verify",
)
for _module in COMMAND_MODULES:
    import_module(f"mla_kg.cli.{_module}")

__all__ = ["COMMAND_MODULES", "app", "graph"]
