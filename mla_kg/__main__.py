"""Run the command line as ``python -m mla_kg``; :func:`main` is the ``mla-kg`` command."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the ``mla-kg`` command.

    ``mla-kg --version`` alone answers before the command line is built: Typer, rich, rdflib
    and pyoxigraph are never imported for it.
    """
    if sys.argv[1:] == ["--version"]:
        from mla_kg import __version__

        print(f"mla-kg {__version__}")
        return
    from mla_kg.cli import app

    app()


if __name__ == "__main__":
    main()
