"""Commands ``mla-kg compare``, ``diff``, ``outline`` and ``profile``: instruments side by side.

An unknown
instrument, feature or group id stops with a message listing the known ones (exit 2).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mla_kg.cli.app import app, graph
from mla_kg.cli.output import emit, render
from mla_kg.compare import compare, diff, model_profile, outline


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


@app.command("compare")
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
    comparison = compare(graph(ctx), instruments, features=feature, groups=group)
    if not len(comparison):
        _no_rows()
    to_file = output is not None
    if format is CompareFormat.table:
        text = render(comparison.to_rich(), to_file)
    else:
        text = {
            CompareFormat.csv: comparison.to_csv,
            CompareFormat.json: comparison.to_json,
            CompareFormat.md: comparison.to_markdown,
            CompareFormat.html: comparison.to_html,
            CompareFormat.latex: comparison.to_latex,
        }[format]()
    emit(text, output)


@app.command("diff")
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
    difference = diff(graph(ctx), a, b, features=feature, groups=group)
    if not difference.entries:
        _no_rows()
    if format is ReportFormat.json:
        text = difference.to_json()
    elif format is ReportFormat.md:
        text = difference.to_markdown()
    else:
        text = render(difference.to_rich(), output is not None)
    emit(text, output)


@app.command("outline")
def outline_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id.")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """List an instrument's articles in order with their paragraphs, points, headings, statuses."""
    structure = outline(graph(ctx), instrument)
    text = {
        ReportFormat.table: structure.to_text,
        ReportFormat.json: structure.to_json,
        ReportFormat.md: structure.to_markdown,
    }[format]()
    emit(text, output)


@app.command("profile")
def profile_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id.")],
    format: Annotated[ProfileFormat, typer.Option("--format", "-f")] = ProfileFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Score an instrument on improved vs traditional cooperation, with the provisions behind it."""
    profile = model_profile(graph(ctx), instrument)
    text = profile.to_json() if format is ProfileFormat.json else profile.to_text()
    emit(text, output)
