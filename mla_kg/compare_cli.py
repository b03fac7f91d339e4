"""Commands ``mla-kg compare``, ``diff``, ``outline`` and ``profile``: instruments side by side.

:mod:`mla_kg.cli` registers them on the ``mla-kg`` app with :func:`register`. An unknown
instrument, feature or group id stops with a message listing the known ones (exit 2).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mla_kg.compare import compare, diff, model_profile, outline
from mla_kg.store import KnowledgeGraph


def _bundled_graph(ctx: typer.Context) -> KnowledgeGraph:
    """Return the bundled graph (the commands' loader until :func:`register` sets the app's)."""
    return KnowledgeGraph()


_graph: Callable[[typer.Context], KnowledgeGraph] = _bundled_graph

# Width of tables written to a pipe or a file, where no terminal says how wide to be.
_DEFAULT_WIDTH = 160


class CompareFormat(str, Enum):
    """Output formats of ``mla-kg compare``."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"
    html = "html"
    latex = "latex"


class ReportFormat(str, Enum):
    """Output formats of ``diff`` and ``outline``."""

    table = "table"
    json = "json"
    md = "md"


class ProfileFormat(str, Enum):
    """Output formats of ``profile``."""

    table = "table"
    json = "json"


def _width(to_file: bool) -> int | None:
    """Return the table width: the terminal's, else ``$COLUMNS``, else a readable default."""
    if not to_file and sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else _DEFAULT_WIDTH


def _render(renderable: Any, to_file: bool) -> str:
    """Render a rich renderable as plain text (no colour codes when written to a file or pipe)."""
    buffer = io.StringIO()
    colour = not to_file and sys.stdout.isatty()
    console = Console(
        file=buffer,
        width=_width(to_file),
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=colour,
        no_color=not colour,
    )
    console.print(renderable)
    return buffer.getvalue()


def _emit(text: str, output: Path | None) -> None:
    """Write text to a file, or to standard output."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


GroupOption = Annotated[
    list[str] | None,
    typer.Option(
        "--group",
        "-g",
        help="Only this dimension (repeatable): scope, channels, request, refusal, "
        "measures, protection, final.",
    ),
]
FeatureOption = Annotated[
    list[str] | None,
    typer.Option("--feature", help="Only this feature id (repeatable)."),
]


def _no_rows() -> None:
    """Stop with exit 1: the --feature and --group filters leave no feature."""
    typer.echo(
        "error: no feature is in both the --feature list and the --group list; "
        "drop one of the filters or name a feature of the group",
        err=True,
    )
    raise typer.Exit(1)


def compare_command(
    ctx: typer.Context,
    instruments: Annotated[
        list[str],
        typer.Argument(help="Instrument ids, e.g. eu-jp-mla eu-us-mla jp-us-mlat (the columns)."),
    ],
    group: GroupOption = None,
    feature: FeatureOption = None,
    format: Annotated[CompareFormat, typer.Option("--format", "-f")] = CompareFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Compare instruments feature by feature, grouped by dimension, with pinpoint citations.

    Each cell gives the provisions (marked † where only recalled), "absent" with its source,
    or "—" where the research says nothing.
    """
    comparison = compare(_graph(ctx), instruments, features=feature, groups=group)
    if not len(comparison):
        _no_rows()
    to_file = output is not None
    if format is CompareFormat.table:
        text = _render(comparison.to_rich(), to_file)
    else:
        text = {
            CompareFormat.csv: comparison.to_csv,
            CompareFormat.json: comparison.to_json,
            CompareFormat.md: comparison.to_markdown,
            CompareFormat.html: comparison.to_html,
            CompareFormat.latex: comparison.to_latex,
        }[format]()
    _emit(text, output)


def diff_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The first instrument id.")],
    b: Annotated[str, typer.Argument(help="The second instrument id.")],
    group: GroupOption = None,
    feature: FeatureOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Show the features only A has, only B has, and both have (and where they differ)."""
    difference = diff(_graph(ctx), a, b, features=feature, groups=group)
    if not difference.entries:
        _no_rows()
    if format is ReportFormat.json:
        text = difference.to_json()
    elif format is ReportFormat.md:
        text = difference.to_markdown()
    else:
        text = _render(difference.to_rich(), output is not None)
    _emit(text, output)


def outline_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id.")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """List an instrument's articles in order with their paragraphs, points, headings, statuses."""
    structure = outline(_graph(ctx), instrument)
    text = {
        ReportFormat.table: structure.to_text,
        ReportFormat.json: structure.to_json,
        ReportFormat.md: structure.to_markdown,
    }[format]()
    _emit(text, output)


def profile_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id.")],
    format: Annotated[ProfileFormat, typer.Option("--format", "-f")] = ProfileFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Score an instrument on improved vs traditional cooperation, with the provisions behind it."""
    profile = model_profile(_graph(ctx), instrument)
    text = profile.to_json() if format is ProfileFormat.json else profile.to_text()
    _emit(text, output)


def register(app: typer.Typer, graph: Callable[[typer.Context], KnowledgeGraph]) -> None:
    """Add ``compare``, ``diff``, ``outline`` and ``profile`` to the app.

    :param app: the ``mla-kg`` Typer app.
    :param graph: the app's function returning the graph of a command (loaded once).
    """
    global _graph
    _graph = graph
    app.command("compare")(compare_command)
    app.command("diff")(diff_command)
    app.command("outline")(outline_command)
    app.command("profile")(profile_command)
