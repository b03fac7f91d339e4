"""Commands ``mla-kg basis`` and ``plan``: the legal bases between two States, and a checklist.

An unknown State or measure, or a malformed date, stops with a message naming the fix (exit 2).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from mla_kg.cli.app import app, graph
from mla_kg.cli.output import OutputOption, emit


class BasisFormat(str, Enum):
    """Output formats of ``mla-kg basis``."""

    table = "table"
    json = "json"
    md = "md"


class PlanFormat(str, Enum):
    """Output formats of ``mla-kg plan``."""

    text = "text"
    md = "md"
    json = "json"


def _on(value: str | None) -> str | None:
    """Check a ``--on`` date before the graph is loaded (a typo should fail fast)."""
    if value is not None:
        from mla_kg.planning.facts import parse_date

        parse_date(value)
    return value


OnOption = Annotated[
    str | None,
    typer.Option("--on", help="The date the request is made, YYYY-MM-DD (default: today)."),
]


@app.command("basis")
def basis_command(
    ctx: typer.Context,
    requesting: Annotated[str, typer.Argument(help="Requesting State, ISO code (e.g. GB).")],
    requested: Annotated[str, typer.Argument(help="Requested State, ISO code (e.g. JP).")],
    on: OnOption = None,
    format: Annotated[BasisFormat, typer.Option("--format", "-f")] = BasisFormat.table,
    output: OutputOption = None,
) -> None:
    """List every legal basis usable for a request on a date, with reasons, and what is excluded.

    Order: bilateral treaty, EU agreement (through EU membership), multilateral convention,
    domestic reciprocity. Exits 1 when no basis is found.
    """
    # The planning modules load only for these commands: every other command starts faster.
    from mla_kg.planning.legal_basis import legal_bases

    found = legal_bases(graph(ctx), requesting, requested, on=_on(on))
    text = {
        BasisFormat.table: found.to_text,
        BasisFormat.json: found.to_json,
        BasisFormat.md: found.to_markdown,
    }[format]()
    emit(text, output)
    if not found.bases:
        raise typer.Exit(1)


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    requesting: Annotated[str, typer.Argument(help="Requesting State, ISO code (e.g. BE).")],
    requested: Annotated[str, typer.Argument(help="Requested State, ISO code (e.g. JP).")],
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            "-m",
            help="A measure asked for, as a feature id of the measures group "
            "(e.g. bank-information, videoconference-hearing); repeatable.",
        ),
    ] = None,
    punishable_by_death: Annotated[
        bool | None,
        typer.Option(
            "--punishable-by-death/--no-punishable-by-death",
            help="Whether the offence is punishable by death (default: not stated).",
        ),
    ] = None,
    life_imprisonment: Annotated[
        bool | None,
        typer.Option(
            "--life-imprisonment/--no-life-imprisonment",
            help="Whether the offence is punishable by life imprisonment (default: not stated).",
        ),
    ] = None,
    coercive: Annotated[
        bool | None,
        typer.Option(
            "--coercive/--no-coercive",
            help="Whether execution needs coercive measures (default: not stated).",
        ),
    ] = None,
    offence: Annotated[
        str, typer.Option("--offence", help="A short description of the offence, for the record.")
    ] = "",
    on: OnOption = None,
    format: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.text,
    output: OutputOption = None,
) -> None:
    """Draft-request checklist per legal basis: authority, language, measures, refusal, formalities.

    Statuses are shown throughout; recalled facts are marked with a dagger. Exits 1 when no
    legal basis is found.
    """
    from mla_kg.planning.checklist import Offence, request_checklist

    checklist = request_checklist(
        graph(ctx),
        requesting,
        requested,
        measures=measure or [],
        offence=Offence(
            punishable_by_death=punishable_by_death,
            punishable_by_life_imprisonment=life_imprisonment,
            coercive=coercive,
            description=offence,
        ),
        on=_on(on),
    )
    text = {
        PlanFormat.text: checklist.to_text,
        PlanFormat.md: checklist.to_markdown,
        PlanFormat.json: checklist.to_json,
    }[format]()
    emit(text, output)
    if not checklist.plans:
        raise typer.Exit(1)
