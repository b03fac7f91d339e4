"""What every command shares to write its answer: consoles, tables as text, files or stdout."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

#: The ``--output`` option of commands that write a report.
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
]

# Wide enough that IRIs are never folded across lines when output goes to a file or pipe.
_PIPE_WIDTH = 4000
# Width of tables written to a pipe or a file, where no terminal says how wide to be.
_DEFAULT_WIDTH = 160


def console(stderr: bool = False) -> Console:
    """Return a rich console that never reads markup or highlights data."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else _PIPE_WIDTH
    return Console(file=stream, width=width, highlight=False, markup=False, emoji=False)


def width(to_file: bool) -> int | None:
    """Return the table width: the terminal's, else ``$COLUMNS``, else a readable default."""
    if not to_file and sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else _DEFAULT_WIDTH


def render(renderable: Any, to_file: bool) -> str:
    """Render a rich renderable as plain text (no colour codes when written to a file or pipe)."""
    buffer = io.StringIO()
    colour = not to_file and sys.stdout.isatty()
    out = Console(
        file=buffer,
        width=width(to_file),
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=colour,
        no_color=not colour,
    )
    out.print(renderable)
    return buffer.getvalue()


def emit(text: str, output: Path | None) -> None:
    """Write text to a file, or to standard output."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
