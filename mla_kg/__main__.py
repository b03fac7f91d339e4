"""Run the command line as ``python -m mla_kg``."""

from mla_kg.cli import app

app()
