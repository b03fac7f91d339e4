"""Command ``mla-kg verify``: hold an instrument's curated structure against an official text.

The logic lives in :mod:`mla_kg.texts.verify` (comparison) and :mod:`mla_kg.texts.record`
(``--write``); this module only parses options and renders. Exit 0 when everything matches, 1 on
mismatches, 2 on an unreadable text or an unknown instrument.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from mla_kg.cli.app import TableOrJson, app, graph
from mla_kg.cli.output import console


class TextFormat(str, Enum):
    """Formats of official texts (``auto`` recognises the file)."""

    auto = "auto"
    overheid_md = "overheid-md"
    formex = "formex"
    eurlex_html = "eurlex-html"


def _print_table(report: dict) -> None:
    text = report["text"]
    out = console()
    out.print(
        f"{report['instrument']} against {text['path']} ({text['format']}, {text['language']}): "
        f"{text['articles']} articles, {text['subdivisions']} subdivisions in the text"
    )
    if report["mismatches"]:
        table = Table("citation", "kind", "detail")
        for m in report["mismatches"]:
            table.add_row(Text(m["citation"]), Text(m["kind"]), Text(m["detail"]))
        out.print(table)
    if report["explained"]:
        table = Table("citation", "kind", "explained by the research")
        for e in report["explained"]:
            table.add_row(Text(e["citation"]), Text(e["kind"]), Text(e["why"]))
        out.print(table)
    out.print(
        f"{report['confirmed']} of {report['checked']} subdivisions of the graph confirmed; "
        f"{len(report['mismatches'])} mismatch(es); "
        f"{len(report['explained'])} difference(s) explained by the research; "
        f"{len(report['not_covered'])} article(s) of the text not described in the graph"
    )


@app.command()
def verify(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. eu-us-mla.")],
    text: Annotated[Path, typer.Option("--text", help="The official text's file.")],
    text_format: Annotated[
        TextFormat, typer.Option("--format", help="Format of the text (auto: recognise it).")
    ] = TextFormat.auto,
    format: Annotated[TableOrJson, typer.Option("-f", help="Output.")] = TableOrJson.table,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Record what the text confirms in research/<id>.yaml (prints each change; "
            "needs --source).",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="With --write: the sheet's source key of the official record."
        ),
    ] = None,
) -> None:
    """Hold INSTRUMENT's articles, paragraphs and points against an official text."""
    from mla_kg.texts import read_text
    from mla_kg.texts.verify import verify as run_verify

    if write and not source:
        raise typer.BadParameter(
            "--write needs the sheet's source key of the official record",
            param_hint="--source",
        )
    structure = read_text(text, text_format.value)  # UnreadableText: exit 2
    report = run_verify(graph(ctx), instrument, structure)
    if format is TableOrJson.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_table(report.to_dict())
    if write:
        from mla_kg.texts.record import record

        for line in record(report, source or ""):
            print(line, file=sys.stderr)
    if not report.ok:
        raise typer.Exit(1)
