"""Commands ``mla-kg basis``, ``plan``, ``network``, ``similar``: plan a request, see the network.

:mod:`mla_kg.cli` registers them on the ``mla-kg`` app with :func:`register`. An unknown State,
measure or instrument, or a malformed date, stops with a message naming the fix (exit 2).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mla_kg.checklist import Offence, request_checklist
from mla_kg.errors import MlaKgError
from mla_kg.legal_basis import legal_bases, parse_date
from mla_kg.store import KnowledgeGraph


def _bundled_graph(ctx: typer.Context) -> KnowledgeGraph:
    """Return the bundled graph (the commands' loader until :func:`register` sets the app's)."""
    return KnowledgeGraph()


_graph: Callable[[typer.Context], KnowledgeGraph] = _bundled_graph


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


class View(str, Enum):
    """Network views."""

    lineage = "lineage"
    participation = "participation"


class NetworkFormat(str, Enum):
    """Output formats of ``mla-kg network``."""

    graphml = "graphml"
    gexf = "gexf"
    json = "json"
    png = "png"


class SimilarFormat(str, Enum):
    """Output formats of ``mla-kg similar``."""

    table = "table"
    json = "json"


def _emit(text: str, output: Path | None) -> None:
    """Write text to a file, or to standard output."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


def _on(value: str | None) -> str | None:
    """Check a ``--on`` date before the graph is loaded (a typo should fail fast)."""
    if value is not None:
        parse_date(value)
    return value


OnOption = Annotated[
    str | None,
    typer.Option("--on", help="The date the request is made, YYYY-MM-DD (default: today)."),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
]


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
    found = legal_bases(_graph(ctx), requesting, requested, on=_on(on))
    text = {
        BasisFormat.table: found.to_text,
        BasisFormat.json: found.to_json,
        BasisFormat.md: found.to_markdown,
    }[format]()
    _emit(text, output)
    if not found.bases:
        raise typer.Exit(1)


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
    checklist = request_checklist(
        _graph(ctx),
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
    _emit(text, output)
    if not checklist.plans:
        raise typer.Exit(1)


def network_command(
    ctx: typer.Context,
    view: Annotated[View, typer.Argument(help="lineage or participation.")],
    format: Annotated[NetworkFormat, typer.Option("--format", "-f")] = NetworkFormat.graphml,
    output: OutputOption = None,
) -> None:
    """Export the lineage or participation network (GraphML, GEXF, node-link JSON or PNG).

    PNG needs matplotlib (``pip install 'mla-kg[plot]'``) and an output file.
    """
    kg = _graph(ctx)
    # networkx loads only for the commands that draw a graph: every other command starts faster.
    from mla_kg.network import draw, export, lineage_graph, participation_graph

    graph = lineage_graph(kg) if view is View.lineage else participation_graph(kg)
    if format is NetworkFormat.png:
        if output is None:
            raise MlaKgError("a PNG needs a file: add -o FILE.png")
        draw(graph, output, view.value)
        typer.echo(
            f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges",
            err=True,
        )
        return
    data = export(graph, format.value)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output}", err=True)


def similar_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id, e.g. eu-jp-mla.")],
    format: Annotated[SimilarFormat, typer.Option("--format", "-f")] = SimilarFormat.table,
    output: OutputOption = None,
) -> None:
    """Rank the other instruments by the Jaccard similarity of their feature sets."""
    from mla_kg.network import similar

    ranked = similar(_graph(ctx), instrument)
    if format is SimilarFormat.json:
        text = json.dumps([s.to_dict() for s in ranked], ensure_ascii=False, indent=2)
    else:
        width = max((len(s.other) for s in ranked), default=10)
        lines = [
            f"Instruments most like {instrument} (Jaccard similarity of feature sets)",
            "",
            f"{'instrument':<{width}}  jaccard  shared  only {instrument}  only other",
        ]
        lines += [
            f"{s.other:<{width}}  {s.score:7.3f}  {len(s.shared):6d}  "
            f"{len(s.only_instrument):>{5 + len(instrument)}d}  {len(s.only_other):10d}"
            for s in ranked
        ]
        text = "\n".join(lines)
    _emit(text, output)


def register(
    app: typer.Typer, graph: Callable[[typer.Context], KnowledgeGraph] | None = None
) -> None:
    """Add ``basis``, ``plan``, ``network`` and ``similar`` to the app.

    :param app: the ``mla-kg`` Typer app.
    :param graph: the app's function returning the graph of a command (loaded once); by
        default each command loads the bundled graph.
    """
    global _graph
    if graph is not None:
        _graph = graph
    app.command("basis")(basis_command)
    app.command("plan")(plan_command)
    app.command("network")(network_command)
    app.command("similar")(similar_command)


__all__ = ["register"]
