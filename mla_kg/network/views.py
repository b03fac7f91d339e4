"""Network views of the graph with networkx: who is bound by what, norm lineage, similarity.

- :func:`participation_graph`: States, the EU and instruments; an edge per participation record
  (bound or not, mode, first and last day, status), per contracting party without a record, per
  State with no record for a multilateral instrument (undetermined), and per EU membership (from,
  withdrawal, end of transition).
- :func:`lineage_graph`: provisions, with an edge from a later provision to the provision it was
  modelled on, carrying the commentary claims (statement, source, pinpoint, status) behind it.
- :func:`similar`: instruments ranked by the Jaccard similarity of their feature sets.

:func:`export` writes a view as GraphML, GEXF or node-link JSON; :mod:`~mla_kg.network.drawing`
draws one as a PNG.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib.term import Node

from mla_kg.errors import MlaKgError, UnsupportedFormat
from mla_kg.graph.results import add_source, fold_sourced
from mla_kg.iris import local_name, slug
from mla_kg.verification import status_name, weakest

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Instrument kinds whose participation is State by State (a party list is not the whole story).
MULTILATERAL_KINDS = frozenset({"MultilateralConvention", "Protocol"})
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
    ``relation`` (participation, party, membership, undetermined), ``bound``, ``mode``, ``from``,
    ``until``, ``bound_until``, ``verification`` and ``sources``; a State's edges to instruments
    also carry ``answer`` (bound, not bound, undetermined). An ``undetermined`` edge joins a State
    to a multilateral instrument for which the graph records nothing either way: it has no
    ``bound`` and says what is ``missing``.
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
            answer="bound" if record["bound"] else "not bound",
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
                answer="bound",
                mode="asParty",
                **{"from": info["entry_into_force"], "until": ""},
                bound_until="",
                verification=info["verification"],
                sources="",
            )
    _add_undetermined(graph, actor, instruments, sorted(labels), recorded)
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


def _add_undetermined(
    graph: nx.MultiDiGraph,
    actor: Any,
    instruments: Mapping[str, dict[str, Any]],
    codes: Iterable[str],
    recorded: set[tuple[str, str]],
) -> None:
    """Join each State with no record for a multilateral instrument to it as undetermined.

    Three answers, never two: an edge without ``bound`` that says what is missing, never a
    "not bound" the graph does not record.
    """
    codes = [code for code in codes if code != "EU"]
    for instrument_id, info in instruments.items():
        if info["kind"] not in MULTILATERAL_KINDS:
            continue
        for code in codes:
            if (instrument_id, code) in recorded or code in info["parties"]:
                continue
            graph.add_edge(
                actor(code),
                f"instrument:{instrument_id}",
                relation="undetermined",
                answer="undetermined",
                mode="",
                sources="",
                verification="",
                missing=f"no record of whether {code} is bound by {instrument_id}",
            )


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


__all__ = [
    "EXPORT_FORMATS",
    "NETWORK_FORMATS",
    "Similarity",
    "export",
    "feature_sets",
    "jaccard",
    "lineage_graph",
    "participation_graph",
    "similar",
    "similarity_matrix",
]
