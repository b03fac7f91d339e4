"""Commands ``mla-kg compare``, ``diff``, ``outline`` and ``profile``: instruments side by side.

An unknown instrument, feature or group id stops with a message listing the known ones (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated

import typer

from mla_kg.cli.app import app, graph
from mla_kg.cli.output import OutputOption, console, emit, emit_bytes, render, width
from mla_kg.compare import compare, diff, model_profile, outline
from mla_kg.compare.render import comparison_download
from mla_kg.errors import InvalidParameter


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


# The library's keyword arguments, as the command line spells them.
_OPTIONS = {"groups": "--group", "features": "--feature"}


@contextmanager
def _option_names() -> Iterator[None]:
    """Report a bad filter value under its option (``--group``), not the library's keyword."""
    try:
        yield
    except InvalidParameter as error:
        if error.parameter not in _OPTIONS:
            raise
        raise InvalidParameter(_OPTIONS[error.parameter], error.value, error.expected) from None


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
    output: OutputOption = None,
) -> None:
    """Compare instruments feature by feature, grouped by dimension, with pinpoint citations.

    Each cell gives the provisions (marked † where only recalled), "absent" with its source,
    or "—" where the research says nothing.
    """
    with _option_names():
        comparison = compare(graph(ctx), instruments, features=feature, groups=group)
    if not len(comparison):
        _no_rows()
    to_file = output is not None
    if format is CompareFormat.table:
        emit(render(comparison.to_rich(width(to_file) or console().width), to_file), output)
        return
    # The same bytes the server sends for /compare?...&format=FORMAT.
    body, _, _ = comparison_download(comparison, format.value)
    emit_bytes(body, output)


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The first instrument id.")],
    b: Annotated[str, typer.Argument(help="The second instrument id.")],
    group: GroupOption = None,
    feature: FeatureOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    output: OutputOption = None,
) -> None:
    """Show the features only A has, only B has, and both have (and where they differ)."""
    with _option_names():
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
    output: OutputOption = None,
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
    output: OutputOption = None,
) -> None:
    """Score an instrument on improved vs traditional cooperation, with the provisions behind it."""
    profile = model_profile(graph(ctx), instrument)
    text = profile.to_json() if format is ProfileFormat.json else profile.to_text()
    emit(text, output)
