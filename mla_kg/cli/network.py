"""Commands ``mla-kg network`` and ``similar``: the participation and lineage networks.

An unknown instrument stops with a message listing the known ids (exit 2).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from mla_kg.cli.app import app, graph
from mla_kg.cli.output import OutputOption, emit
from mla_kg.errors import MlaKgError


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


@app.command("network")
def network_command(
    ctx: typer.Context,
    view: Annotated[View, typer.Argument(help="lineage or participation.")],
    format: Annotated[NetworkFormat, typer.Option("--format", "-f")] = NetworkFormat.graphml,
    output: OutputOption = None,
) -> None:
    """Export the lineage or participation network (GraphML, GEXF, node-link JSON or PNG).

    PNG needs matplotlib (``pip install 'mla-kg[plot]'``) and an output file.
    """
    kg = graph(ctx)
    # networkx loads only for the commands that draw a graph: every other command starts faster.
    from mla_kg.network import draw, export, lineage_graph, participation_graph

    network = lineage_graph(kg) if view is View.lineage else participation_graph(kg)
    if format is NetworkFormat.png:
        if output is None:
            raise MlaKgError("a PNG needs a file: add -o FILE.png")
        draw(network, output, view.value)
        typer.echo(
            f"wrote {output}: {network.number_of_nodes()} nodes, {network.number_of_edges()} edges",
            err=True,
        )
        return
    data = export(network, format.value)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output}", err=True)


@app.command("similar")
def similar_command(
    ctx: typer.Context,
    instrument: Annotated[str, typer.Argument(help="The instrument id, e.g. eu-jp-mla.")],
    format: Annotated[SimilarFormat, typer.Option("--format", "-f")] = SimilarFormat.table,
    output: OutputOption = None,
) -> None:
    """Rank the other instruments by the Jaccard similarity of their feature sets."""
    from mla_kg.network import similar

    ranked = similar(graph(ctx), instrument)
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
    emit(text, output)
