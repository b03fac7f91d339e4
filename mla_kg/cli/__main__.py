"""``python -m mla_kg.cli``: the same as the ``mla-kg`` command."""

from mla_kg.cli import app

app()
