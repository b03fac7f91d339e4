"""The network views drawn as PNG pictures with a legend (matplotlib, the ``plot`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from mla_kg.errors import MlaKgError
from mla_kg.verification import RECALLED_MARK

if TYPE_CHECKING:
    pass


class PlotUnavailable(MlaKgError):
    """matplotlib is not installed, so a PNG cannot be drawn."""

    def __init__(self) -> None:
        super().__init__(
            "drawing a PNG needs matplotlib: pip install 'mla-kg[plot]' "
            "(or choose --format graphml, gexf or json)"
        )
        self._init_args = ()


def _pyplot() -> Any:
    """Return matplotlib.pyplot on a file-only backend."""
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailable() from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _wrap(text: str, width: int = 22) -> str:
    """Break a label into short lines."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def draw(graph: nx.Graph, path: str | Path, view: str) -> Path:
    """Draw the lineage view (arrows) or the participation view (a grid of States by instruments).

    :param graph: a view from :func:`lineage_graph` or :func:`participation_graph`.
    :param path: the PNG file to write.
    :param view: ``lineage`` or ``participation``.
    :raises PlotUnavailable: if matplotlib is missing.
    """
    plt = _pyplot()
    path = Path(path)
    if view == "lineage":
        figure = _draw_lineage(plt, graph)
    else:
        figure = _draw_participation(plt, graph)
    figure.savefig(path, dpi=150, bbox_inches="tight", facecolor="white")
    plt.close(figure)
    return path


_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


def _lineage_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Place provisions in columns by lineage depth (models right), rows near their models."""
    order = list(nx.topological_sort(graph)) if nx.is_directed_acyclic_graph(graph) else list(graph)
    depth: dict[str, int] = {}
    for node in reversed(order):
        depth[node] = 1 + max((depth.get(s, 0) for s in graph.successors(node)), default=-1)
    deepest = max(depth.values(), default=0)
    positions: dict[str, tuple[float, float]] = {}

    def key(node: str) -> tuple[str, str]:
        return (graph.nodes[node]["instrument"], graph.nodes[node]["citation"])

    for level in range(0, deepest + 1):
        x = (deepest - level) * 6.0
        nodes = [n for n in graph if depth[n] == level]
        if level == 0:
            # Models of the same provision side by side, so its arrows fan out without crossing.
            def grouped(node: str) -> tuple[tuple[str, str], tuple[str, str]]:
                later = [key(p) for p in graph.predecessors(node)]
                return (min(later, default=key(node)), key(node))

            wanted = {n: float(-row) for row, n in enumerate(sorted(nodes, key=grouped))}
        else:
            wanted = {
                n: sum(positions[s][1] for s in graph.successors(n)) / graph.out_degree(n)
                for n in nodes
            }
        last = None
        for node in sorted(nodes, key=lambda n: (-wanted[n], key(n))):
            y = wanted[node] if last is None else min(wanted[node], last - 1.0)
            positions[node] = (x, y)
            last = y
    return {node: (x, y * 1.5) for node, (x, y) in positions.items()}


def _draw_lineage(plt: Any, graph: nx.DiGraph) -> Any:
    """Draw provisions in columns (models to the right), an arrow per lineage link, a legend."""
    positions = _lineage_layout(graph)
    instruments = sorted({graph.nodes[n]["instrument"] for n in graph})
    colours = {i: _PALETTE[n % len(_PALETTE)] for n, i in enumerate(instruments)}
    xs = [x for x, _ in positions.values()] or [0.0]
    ys = [y for _, y in positions.values()] or [0.0]
    width = max(9.0, 1.6 * (max(xs) - min(xs)) + 6.0)
    height = max(3.5, 0.9 * (max(ys) - min(ys)) + 3.0)
    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_title("Norm lineage: provision → the provision it was modelled on", fontsize=12)
    if not graph:
        axes.text(0.5, 0.5, "no lineage link recorded", ha="center", va="center")
    _draw_lineage_links(axes, graph, positions)
    for node, (x, y) in positions.items():
        data = graph.nodes[node]
        heading = _wrap(data.get("heading", ""), 22)
        label = f"{data['instrument']}\n{data['citation']}" + (f"\n{heading}" if heading else "")
        axes.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=8.5,
            color="white",
            fontweight="bold",
            bbox={
                "boxstyle": "round,pad=0.5",
                "fc": colours[data["instrument"]],
                "ec": "#222222",
                "lw": 0.8,
            },
        )
    axes.set_xlim(min(xs) - 2.0, max(xs) + 2.0)
    axes.set_ylim(min(ys) - 1.0, max(ys) + 1.2)
    axes.axis("off")
    _lineage_legend(axes, colours)
    return figure


def _draw_lineage_links(
    axes: Any, graph: nx.DiGraph, positions: dict[str, tuple[float, float]]
) -> None:
    """Draw an arrow per lineage link (dashed: only recalled claims carry it) with its claims."""
    for later, earlier, data in graph.edges(data=True):
        recalled = data.get("verification") == "recalled"
        axes.annotate(
            "",
            xy=positions[earlier],
            xytext=positions[later],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#444444",
                "lw": 1.6,
                "linestyle": "--" if recalled else "-",
                "shrinkA": 48,
                "shrinkB": 62,
            },
        )
        (x1, y1), (x2, y2) = positions[later], positions[earlier]
        # One line per claim: status, sources and pinpoint; near the model end so the labels
        # of links leaving the same provision do not sit on each other.
        sources = data.get("source", "").split(" | ")
        pinpoints = data.get("pinpoint", "").split(" | ")
        status = data.get("verification", "")
        dagger = RECALLED_MARK if recalled else ""
        lines = [
            f"{source}, {pinpoint}" if pinpoint else source
            for source, pinpoint in zip(sources, pinpoints, strict=False)
            if source
        ] or ["no claim"]
        text = f"{status}{dagger}: " + "\n".join(_wrap(line, 38) for line in lines)
        axes.text(
            x1 + 0.6 * (x2 - x1),
            y1 + 0.6 * (y2 - y1) + 0.15,
            text,
            fontsize=7,
            ha="center",
            va="bottom",
            color="#333333",
            bbox={"boxstyle": "round,pad=0.25", "fc": "#fffbe6", "ec": "#cccccc", "lw": 0.5},
        )


def _lineage_legend(axes: Any, colours: dict[str, str]) -> None:
    """Draw the legend of a lineage picture: a colour per instrument, the two kinds of arrow."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    instruments = list(colours)
    handles = [Patch(facecolor=colours[i], edgecolor="#222222", label=i) for i in instruments]
    handles += [
        Line2D([0], [0], color="#444444", lw=1.6, label="modelled on (claim: source, pinpoint)"),
        Line2D([0], [0], color="#444444", lw=1.6, linestyle="--",
               label=f"carried only by a recalled claim ({RECALLED_MARK})"),
    ]  # fmt: skip
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=min(4, len(handles)),
        fontsize=8,
        frameon=False,
    )


def _draw_participation(plt: Any, graph: nx.MultiDiGraph) -> Any:
    """Draw a grid of States by instruments: bound (first year), not bound, undetermined, member."""
    from matplotlib.patches import Patch

    actors = sorted(
        (n for n, d in graph.nodes(data=True) if d["kind"] != "instrument"),
        key=lambda n: (graph.nodes[n]["kind"] == "organisation", graph.nodes[n]["code"]),
    )
    instruments = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "instrument")
    columns = ["org:EU", *instruments] if "org:EU" in graph else instruments
    colour = {
        "bound": "#4caf50",
        "bound, recalled": "#b7dfb9",
        "not bound": "#e57373",
        "not bound, recalled": "#f4c2c2",
        "undetermined": "#eeeeee",
        "member": "#64b5f6",
        "member, recalled": "#bbdefb",
    }
    figure, axes = plt.subplots(figsize=(1.0 + 0.62 * len(columns), 1.8 + 0.3 * len(actors)))
    axes.set_title("Who is bound by what (first year bound where recorded)", fontsize=11)
    for row, actor in enumerate(actors):
        for col, target in enumerate(columns):
            edges = [d for d in graph.get_edge_data(actor, target, default={}).values()]
            if not edges or actor == target:
                continue
            edge = edges[0]
            recalled = edge.get("verification") == "recalled"
            if edge["relation"] == "undetermined":
                state, label, recalled = "undetermined", "?", False
            elif edge["relation"] == "membership":
                state = "member"
                year = edge.get("from", "")[:4]
                until = edge.get("bound_until") or edge.get("until")
                label = f"{year}-{until[2:4]}" if until else year
            else:
                state = "bound" if edge["bound"] else "not bound"
                label = (edge.get("from") or "")[:4] if edge["bound"] else "no"
            key = f"{state}, recalled" if recalled else state
            axes.add_patch(
                plt.Rectangle((col, -row - 1), 1, 1, facecolor=colour[key], edgecolor="white")
            )
            text = label + (RECALLED_MARK if recalled else "")
            axes.text(col + 0.5, -row - 0.5, text, ha="center", va="center", fontsize=6.5)
    axes.set_xlim(0, len(columns))
    axes.set_ylim(-len(actors), 0)
    axes.set_xticks([c + 0.5 for c in range(len(columns))])
    axes.set_xticklabels(
        [graph.nodes[c]["code"] + (" member" if c == "org:EU" else "") for c in columns],
        rotation=60,
        ha="left",
        fontsize=7.5,
    )
    axes.xaxis.tick_top()
    axes.set_yticks([-r - 0.5 for r in range(len(actors))])
    axes.set_yticklabels([graph.nodes[a]["code"] for a in actors], fontsize=7.5)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    handles = [
        Patch(facecolor=colour["bound"], label="bound (year of first day, where recorded)"),
        Patch(facecolor=colour["bound, recalled"], label=f"bound, recalled ({RECALLED_MARK})"),
        Patch(facecolor=colour["not bound"], label="not bound (e.g. opt-out)"),
        Patch(
            facecolor=colour["not bound, recalled"], label=f"not bound, recalled ({RECALLED_MARK})"
        ),
        Patch(facecolor=colour["undetermined"], label="? undetermined: no record"),
        Patch(facecolor=colour["member"], label="EU member (from-until end of transition)"),
    ]
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=2,
        fontsize=7.5,
        frameon=False,
    )
    return figure


__all__ = ["PlotUnavailable", "draw"]
