"""Network views of the graph with networkx: who is bound by what, norm lineage, similarity.

- :func:`participation_graph`: States, the EU and instruments; an edge per participation record
  (bound or not, mode, first and last day, status), per contracting party without a record, and
  per EU membership (from, withdrawal, end of transition).
- :func:`lineage_graph`: provisions, with an edge from a later provision to the provision it was
  modelled on, carrying the commentary claims (statement, source, pinpoint, status) behind it.
- :func:`similar`: instruments ranked by the Jaccard similarity of their feature sets.

:func:`export` writes a view as GraphML, GEXF or node-link JSON; :func:`draw` as a PNG with a
legend (needs matplotlib, the ``plot`` extra).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib.term import Node

from mla_kg.errors import MlaKgError, UnsupportedFormat
from mla_kg.graph.results import add_source, fold_sourced
from mla_kg.iris import local_name, slug
from mla_kg.verification import RECALLED_MARK, status_name, weakest

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Formats :func:`export` writes.
EXPORT_FORMATS = ("graphml", "gexf", "json")
#: Every format the ``network`` command writes (PNG through matplotlib).
NETWORK_FORMATS = (*EXPORT_FORMATS, "png")


def _text(row: Mapping[str, Node], name: str) -> str:
    """Return a row's value as text ('' when unbound)."""
    value = row.get(name)
    return "" if value is None else str(value)


def participation_graph(kg: GraphStore) -> nx.MultiDiGraph:
    """Return the participation network: States and the EU to instruments, States to the EU.

    Nodes are ``state:JP``, ``org:EU`` and ``instrument:eu-jp-mla`` with ``kind`` (state,
    organisation, instrument), ``label`` and, for instruments, ``instrument_kind``. Edges carry
    ``relation`` (participation, party, membership), ``bound``, ``mode``, ``from``, ``until``,
    ``bound_until``, ``verification`` and ``sources``.
    """
    graph = nx.MultiDiGraph(name="mla-kg participation network")
    labels = {str(row["code"]): str(row["label"]) for row in kg.run("state_labels").rows}

    def actor(code: str) -> str:
        node = f"org:{code}" if code == "EU" else f"state:{code}"
        if node not in graph:
            kind = "organisation" if code == "EU" else "state"
            graph.add_node(node, kind=kind, label=labels.get(code, code), code=code)
        return node

    instruments = _instruments(kg)
    for instrument_id, info in instruments.items():
        graph.add_node(
            f"instrument:{instrument_id}",
            kind="instrument",
            label=info["title"] or instrument_id,
            code=instrument_id,
            instrument_kind=info["kind"],
            entry_into_force=info["entry_into_force"],
        )
    recorded: set[tuple[str, str]] = set()
    for record in fold_sourced(kg.run("participation").rows, "participation", _participation):
        recorded.add((record["instrument"], record["participant"]))
        graph.add_edge(
            actor(record["participant"]),
            f"instrument:{record['instrument']}",
            relation="participation",
            bound=record["bound"],
            mode=record["mode"],
            bound_until="",
            sources="; ".join(record["sources"]),
            **{key: record[key] for key in ("from", "until", "verification")},
        )
    for instrument_id, info in instruments.items():
        for party in sorted(info["parties"]):
            if (instrument_id, party) in recorded:
                continue
            graph.add_edge(
                actor(party),
                f"instrument:{instrument_id}",
                relation="party",
                bound=True,
                mode="asParty",
                **{"from": info["entry_into_force"], "until": ""},
                bound_until="",
                verification=info["verification"],
                sources="",
            )
    for record in fold_sourced(kg.run("memberships").rows, "membership", _membership):
        graph.add_edge(
            actor(record["member"]),
            actor(record["organisation"]),
            relation="membership",
            bound=True,
            mode="",
            sources="; ".join(record["sources"]),
            **{key: record[key] for key in ("from", "until", "bound_until", "verification")},
        )
    return graph


def _participation(row: Mapping[str, Node]) -> dict[str, Any]:
    """Return a participation record from the first row of it."""
    return {
        "instrument": _text(row, "instrumentId"),
        "participant": _text(row, "participantCode"),
        "bound": _text(row, "bound") in ("true", "1"),
        "mode": local_name(slug(row["mode"])) if "mode" in row else "",
        "from": _text(row, "from"),
        "until": _text(row, "until"),
        "verification": status_name(row.get("verification")),
    }


def _membership(row: Mapping[str, Node]) -> dict[str, Any]:
    """Return a membership record from the first row of it."""
    return {
        "member": _text(row, "memberCode"),
        "organisation": _text(row, "organisationCode"),
        "from": _text(row, "from"),
        "until": _text(row, "until"),
        "bound_until": _text(row, "boundUntil"),
        "verification": status_name(row.get("verification")),
    }


def _instruments(kg: GraphStore) -> dict[str, dict[str, Any]]:
    """Return each instrument's kind, title, entry into force and contracting parties."""
    instruments: dict[str, dict[str, Any]] = {}
    for row in kg.run("legal_bases").rows:
        instrument_id = _text(row, "instrumentId")
        info = instruments.setdefault(
            instrument_id,
            {
                "kind": local_name(_text(row, "kind")),
                "title": _text(row, "shortTitle") or _text(row, "title"),
                "entry_into_force": _text(row, "entryIntoForce"),
                "verification": status_name(row.get("entryIntoForceStatus")),
                "parties": set(),
            },
        )
        if _text(row, "partyCode"):
            info["parties"].add(_text(row, "partyCode"))
    return instruments


def lineage_graph(kg: GraphStore) -> nx.DiGraph:
    """Return the norm-lineage DiGraph: later provision -> the provision it was modelled on.

    Nodes are provision IRIs with ``label`` (``eu-jp-mla Art 16``), ``instrument``, ``citation``
    and ``heading``. Each edge carries its claims as parallel lists joined by `` | `` for
    GraphML (``statement``, ``source``, ``pinpoint``, ``claim``), the weakest ``verification``
    of its claims, and ``claims`` (their number; 0 marks a link no claim carries).
    """
    graph = nx.DiGraph(name="mla-kg norm lineage")
    claims: dict[tuple[str, str], dict[Node, dict[str, Any]]] = defaultdict(dict)
    for row in kg.run("lineage_edges").rows:
        ends = []
        for side in ("later", "earlier"):
            node = str(row[side])
            instrument = _text(row, f"{side}InstrumentId")
            citation = _text(row, f"{side}Citation") or slug(row[side])
            if node not in graph:
                graph.add_node(
                    node,
                    label=f"{instrument} {citation}",
                    instrument=instrument,
                    citation=citation,
                    heading=_text(row, f"{side}Heading"),
                )
            ends.append(node)
        later, earlier = ends
        if not graph.has_edge(later, earlier):
            graph.add_edge(later, earlier, relation="modelledOn")
        if "claim" in row:
            claim = claims[(later, earlier)].setdefault(
                row["claim"], {**_claim(row), "sources": []}
            )
            add_source(claim["sources"], row)
    for later, earlier, data in graph.edges(data=True):
        found = claims.get((later, earlier), {})
        data["claims"] = len(found)
        data["claim"] = " | ".join(str(c) for c in found)
        data["statement"] = " | ".join(c["statement"] for c in found.values())
        data["source"] = " | ".join(", ".join(c["sources"]) for c in found.values())
        data["pinpoint"] = " | ".join(c["pinpoint"] for c in found.values())
        data["verification"] = (
            weakest(c["verification"] for c in found.values()) if found else "recalled"
        )
    return graph


def _claim(row: Mapping[str, Node]) -> dict[str, Any]:
    """Return a lineage claim from the first row of it."""
    return {
        "statement": _text(row, "statement"),
        "pinpoint": _text(row, "pinpoint"),
        "verification": status_name(row.get("verification")),
    }


def feature_sets(kg: GraphStore) -> dict[str, set[str]]:
    """Return the features each instrument carries (provisions or presences), by instrument id."""
    sets: dict[str, set[str]] = defaultdict(set)
    for row in kg.run("feature_sets").rows:
        sets[str(row["instrumentId"])].add(str(row["featureId"]))
    return dict(sets)


def jaccard(a: set[str], b: set[str]) -> float:
    """Return the Jaccard similarity of two sets (0 when both are empty).

    >>> jaccard({"x", "y"}, {"y", "z"})
    0.3333333333333333
    """
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class Similarity:
    """How alike two instruments are by the features they carry."""

    instrument: str
    other: str
    score: float
    shared: tuple[str, ...]
    only_instrument: tuple[str, ...]
    only_other: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the comparison for JSON."""
        return {
            "instrument": self.instrument,
            "other": self.other,
            "jaccard": round(self.score, 4),
            "shared": list(self.shared),
            "only_instrument": list(self.only_instrument),
            "only_other": list(self.only_other),
        }


def similar(kg: GraphStore, instrument: str) -> list[Similarity]:
    """Return every other instrument with features, most similar first (Jaccard of feature sets).

    :raises UnknownInstrument: listing the known ids.
    :raises MlaKgError: if the instrument has no feature recorded (nothing to compare).
    """
    kg.instrument_iri(instrument)
    sets = feature_sets(kg)
    own = sets.get(instrument, set())
    if not own:
        raise MlaKgError(
            f"no feature is recorded for {instrument!r}, so it cannot be compared; "
            f"instruments with features: {', '.join(sorted(sets))}"
        )
    ranked = [
        Similarity(
            instrument,
            other,
            jaccard(own, features),
            tuple(sorted(own & features)),
            tuple(sorted(own - features)),
            tuple(sorted(features - own)),
        )
        for other, features in sets.items()
        if other != instrument
    ]
    return sorted(ranked, key=lambda s: (-s.score, s.other))


def similarity_matrix(kg: GraphStore) -> nx.Graph:
    """Return a weighted graph of instruments, an edge per pair with Jaccard ``weight`` > 0."""
    sets = feature_sets(kg)
    graph = nx.Graph(name="mla-kg feature similarity")
    graph.add_nodes_from(sets)
    ids = sorted(sets)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            score = jaccard(sets[a], sets[b])
            if score > 0:
                graph.add_edge(a, b, weight=round(score, 4))
    return graph


def _flat(value: Any) -> str | int | float | bool:
    """Return an attribute value GraphML and GEXF can hold (lists joined, None empty)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _flattened(graph: nx.Graph) -> nx.Graph:
    """Return a copy of the graph with every attribute a scalar."""
    copy = graph.copy()
    for _, data in copy.nodes(data=True):
        for key in list(data):
            data[key] = _flat(data[key])
    edges: Iterable[Any] = (
        copy.edges(keys=True, data=True) if copy.is_multigraph() else copy.edges(data=True)
    )
    for edge in edges:
        data = edge[-1]
        for key in list(data):
            data[key] = _flat(data[key])
    return copy


def export(graph: nx.Graph, format: str) -> bytes:
    """Serialize a view as ``graphml``, ``gexf`` or node-link ``json``.

    :raises UnsupportedFormat: for any other format.
    """
    if format not in EXPORT_FORMATS:
        raise UnsupportedFormat(format, NETWORK_FORMATS)
    flat = _flattened(graph)
    if format == "json":
        data = nx.node_link_data(flat, edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    if format == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8")
    else:
        nx.write_gexf(flat, buffer, encoding="utf-8")
    return buffer.getvalue()


# ----------------------------------------------------------------------------- drawing


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
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

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
    return figure


def _draw_participation(plt: Any, graph: nx.MultiDiGraph) -> Any:
    """Draw a grid of States by instruments: bound (first year), not bound, recalled, EU member."""
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
            if edge["relation"] == "membership":
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


__all__ = [
    "EXPORT_FORMATS",
    "NETWORK_FORMATS",
    "PlotUnavailable",
    "Similarity",
    "draw",
    "export",
    "feature_sets",
    "jaccard",
    "lineage_graph",
    "participation_graph",
    "similar",
    "similarity_matrix",
]
