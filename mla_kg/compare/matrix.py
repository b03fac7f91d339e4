"""The comparison matrix: features by instruments, assembled from one query per comparison."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib.term import Node

from mla_kg.compare.cells import (
    DEFAULT_INSTRUMENTS,
    LEGEND,
    Attestation,
    Cell,
    Claim,
    FeatureRow,
    Provision,
    is_yes,
    note_text,
    sort_number,
    term_text,
)
from mla_kg.compare.render import MatrixRendering
from mla_kg.compare.sources import Source, load_sources
from mla_kg.errors import InvalidParameter
from mla_kg.graph import queries
from mla_kg.iris import mla_name, provision_key
from mla_kg.namespaces import FEAT, FEATURE_GROUP

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


@dataclass
class Comparison(MatrixRendering):
    """Features by instruments: one row per feature, grouped by dimension in scheme order.

    :ivar instruments: the instrument ids, in the order asked for (the columns).
    :ivar features: the rows.
    :ivar official_texts: the addresses of each instrument's official text (the HTML export
        links the instrument to them); not part of the JSON contract.
    :ivar sources: the sources the cells may cite, by IRI, as the graph names them;
        :meth:`cited` gives those the rows cite, with the names the renderings show.
    :ivar all_groups: ``(group id, group label)`` of every group the comparison could show
        before its ``groups`` filter, in scheme order: what a group filter may choose from
        (the server's dropdown); not part of the JSON contract.
    """

    instruments: list[str]
    features: list[FeatureRow]
    official_texts: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    all_groups: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[FeatureRow]:
        """Iterate over the rows."""
        return iter(self.features)

    def __len__(self) -> int:
        """Return the number of rows (features)."""
        return len(self.features)

    def __repr__(self) -> str:
        """Return a one-line summary (the rows are in ``features``; ``to_rich()`` shows them)."""
        groups = len({row.group for row in self.features})
        return (
            f"<Comparison of {', '.join(self.instruments)}: {len(self.features)} features "
            f"in {groups} groups>"
        )

    def row(self, feature: str) -> FeatureRow:
        """Return the row of a feature id.

        :raises KeyError: if the feature is not in the comparison.
        """
        for row in self.features:
            if row.id == feature:
                return row
        raise KeyError(f"feature {feature!r} is not in this comparison")

    def cell(self, feature: str, instrument: str) -> Cell:
        """Return the cell of a feature id in an instrument id."""
        return self.row(feature).cells[instrument]

    def groups(self) -> list[tuple[str, str, list[FeatureRow]]]:
        """Return the rows by group, in order: ``(group id, group label, rows)``."""
        grouped: list[tuple[str, str, list[FeatureRow]]] = []
        for row in self.features:
            if not grouped or grouped[-1][0] != row.group:
                grouped.append((row.group, row.group_label, []))
            grouped[-1][2].append(row)
        return grouped

    def notes(self) -> list[tuple[int, FeatureRow, Cell, str]]:
        """Return the notes on conflicting cells: ``(number, row, cell, text)``, numbered from 1."""
        found: list[tuple[int, FeatureRow, Cell, str]] = []
        for row in self.features:
            for instrument in self.instruments:
                cell = row.cells[instrument]
                if cell.conflict:
                    found.append((len(found) + 1, row, cell, note_text(cell, self.source_names)))
        return found

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data (the JSON contract plus a legend)."""
        return {
            "instruments": list(self.instruments),
            "features": [row.to_dict() for row in self.features],
            "legend": list(LEGEND),
            "official_texts": {k: list(v) for k, v in self.official_texts.items()},
            "sources": {iri: source.to_dict() for iri, source in self.cited().items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return the comparison as JSON.

        The contract: ``{"instruments": [ids], "features": [{"id", "label", "group", "cells":
        {"<instrument id>": {"status", "provisions": [{"iri", "citation", "verification"}],
        "evidence": [{"source", "pinpoint"}]}}}]}``. A reader may rely on these keys; the others
        add detail and never change their meaning:

        - top level: ``legend`` (what the marks mean), ``official_texts`` (per instrument id, the
          addresses of its official text), ``sources`` (by IRI, each source a cell cites: the
          ``name`` the renderings show, the graph's ``short_name``, its ``key`` and ``sheet`` as
          the research writes them, ``title``, ``url`` and ``urls``, ``kind``, ``citation``);
        - feature: ``group_label``, ``marks`` (cooperation model), ``polarity``, ``iri``;
        - cell: ``recalled`` (the status rests only on recalled facts), ``conflict``,
          ``limited_to`` (ISO codes of annex-entry States), ``candidates`` (provisions, not
          counted), ``claims`` (contradicting commentary);
        - provision: ``recalled`` (the citation is not verified: the provision or a part it sits
          in is only recalled), ``state``, ``sources``;
        - evidence: ``kind`` (``absence`` or ``presence``), ``verification``, ``recalled``,
          ``attestation`` (its IRI), ``note``.
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def resolve_instruments(kg: GraphStore, instruments: Iterable[str]) -> list[str]:
    """Return instrument ids for ids or IRIs (raise UnknownInstrument listing the known ids)."""
    ids = []
    by_iri = {str(kg.instrument_iri(i)): i for i in kg.instruments()}
    for instrument in instruments:
        ids.append(by_iri[str(kg.instrument_iri(str(instrument)))])
    if not ids:
        raise InvalidParameter("instruments", [], "at least one instrument id")
    return list(dict.fromkeys(ids))


def _resolve_features(kg: GraphStore, features: Iterable[str]) -> list[str]:
    """Return feature ids for ids or IRIs (raise UnknownFeature listing the feature ids)."""
    prefix = str(FEAT)
    return [str(kg.feature_iri(str(f)))[len(prefix) :] for f in features]


class _Facts:
    """Collects query rows (one per fact and source) into cells.

    Rows come from ``compare_features.rq`` or ``model_profile.rq``: each has ``?featureId``,
    ``?instrumentId``, ``?kind``, ``?node`` and, by kind, the fact's details.
    """

    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], Cell] = {}
        self._facts: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, row: dict[str, Node]) -> Cell:
        """Add one row; return the cell it belongs to."""
        feature_id, instrument_id = (
            term_text(row.get("featureId")),
            term_text(row.get("instrumentId")),
        )
        cell = self.cells.setdefault((feature_id, instrument_id), Cell(feature_id, instrument_id))
        kind = term_text(row.get("kind"))
        if kind:
            key = (feature_id, instrument_id, term_text(row.get("node")))
            fact = self._facts.setdefault(
                key,
                {"kind": kind, "row": row, "sources": set(), "contradicts": set(), "notes": set()},
            )
            if row.get("note") is not None:
                fact["notes"].add(term_text(row.get("note")))
            if row.get("source") is not None:
                fact["sources"].add(term_text(row.get("source")))
            if row.get("contradicts") is not None:
                fact["contradicts"].add(term_text(row.get("contradicts")))
        return cell

    def build(self) -> dict[tuple[str, str], Cell]:
        """Put every fact into its cell, in a stable order, and return the cells."""
        for (feature_id, instrument_id, node), fact in self._facts.items():
            cell = self.cells[(feature_id, instrument_id)]
            r, kind = fact["row"], fact["kind"]
            sources = tuple(sorted(fact["sources"]))
            verification = mla_name(r.get("verification"))
            if kind in ("provision", "candidate"):
                provision = Provision(
                    iri=node,
                    citation=term_text(r.get("citation")) or node,
                    verification=verification,
                    citation_recalled=is_yes(r.get("citationRecalled")),
                    state=term_text(r.get("state")) or None,
                    sources=sources,
                )
                (cell.provisions if kind == "provision" else cell.candidates).append(provision)
            elif kind in ("presence", "absence"):
                cell.attestations.append(
                    Attestation(
                        iri=node,
                        kind=kind,
                        verification=verification,
                        sources=sources,
                        pinpoint=term_text(r.get("pinpoint")),
                        note=" / ".join(sorted(fact["notes"])),
                    )
                )
            elif kind == "claim":
                cell.claims.append(
                    Claim(
                        iri=node,
                        statement=term_text(r.get("statement")),
                        verification=verification,
                        sources=sources,
                        pinpoint=term_text(r.get("pinpoint")),
                        check=term_text(r.get("check")),
                        contradicts=tuple(sorted(fact["contradicts"])),
                    )
                )
        for cell in self.cells.values():
            cell.provisions.sort(key=lambda p: provision_key(p.iri))
            cell.candidates.sort(key=lambda p: provision_key(p.iri))
            cell.attestations.sort(key=lambda a: (a.kind, a.iri))
            cell.claims.sort(key=lambda c: c.iri)
        self._facts.clear()
        return self.cells


def _feature_groups(kg: GraphStore) -> set[str]:
    """Return the ids of the feature groups of the scheme (``refusal``, ``measures`` ...)."""
    prefix = str(FEATURE_GROUP)
    return {
        str(r["group"])[len(prefix) :]
        for r in kg.run("feature_groups").rows
        if str(r.get("group", "")).startswith(prefix)
    }


def _feature_row(row: dict[str, Node]) -> FeatureRow:
    """Return the feature a query row is about (its cells still empty)."""
    feature_id = term_text(row.get("featureId"))
    return FeatureRow(
        id=feature_id,
        iri=term_text(row.get("feature")),
        label=term_text(row.get("featureLabel")) or feature_id,
        group=term_text(row.get("groupId")),
        group_label=term_text(row.get("groupLabel")) or term_text(row.get("groupId")),
        marks=mla_name(row.get("marks")) or None,
        polarity=term_text(row.get("polarity")) or None,
        cells={},
    )


@dataclass
class _InstrumentFacts:
    """One instrument's part of every comparison: its cells and the rows naming each feature.

    :ivar features: per feature id, its place in the scheme and the row naming it.
    :ivar cells: per feature id, the instrument's cell.
    """

    features: dict[str, tuple[tuple[float, float, str], dict[str, Node]]]
    cells: dict[str, Cell]


def _digest(rows: Iterable[dict[str, Node]]) -> _InstrumentFacts:
    """Build one instrument's cells from its ``compare_features`` rows."""
    features: dict[str, tuple[tuple[float, float, str], dict[str, Node]]] = {}
    facts = _Facts()
    for r in rows:
        feature_id = term_text(r.get("featureId"))
        if r.get("kind") is None and feature_id not in features:  # the row naming the feature
            place = (
                sort_number(r.get("groupOrder")),
                sort_number(r.get("featureOrder")),
                feature_id,
            )
            features[feature_id] = (place, r)
        facts.add(r)
    return _InstrumentFacts(features, {f: cell for (f, _), cell in facts.build().items()})


def _instrument_facts(
    kg: GraphStore, ids: Sequence[str], feature_ids: Sequence[str] | None
) -> dict[str, _InstrumentFacts]:
    """Return the cells of these instruments, built once per state of the graph.

    An embedded graph changes only through ``load``, which empties the cache: comparing again,
    or comparing an instrument with others, reuses its cells instead of querying and building
    them anew. A remote graph is always queried afresh, in one query for all instruments.
    """
    cache = kg.derived("compare_features")
    if cache is None:
        by_instrument: dict[str, list[dict[str, Node]]] = {i: [] for i in ids}
        for row in kg.run("compare_features", instrument=list(ids), feature=feature_ids).rows:
            by_instrument.setdefault(term_text(row.get("instrumentId")), []).append(row)
        return {i: _digest(by_instrument[i]) for i in ids}
    query = None
    for instrument_id in ids:
        if instrument_id not in cache:
            # One instrument at a time, bound by the engine rather than by a trailing VALUES
            # clause: the engine then reads that instrument's provisions only (at 1M triples
            # 20 ms an instrument instead of 1.4 s for three).
            query = query or queries.get("compare_features")
            iri = kg.instrument_iri(instrument_id)
            cache[instrument_id] = _digest(kg.query(query.text, {"instrument": iri}).rows)
    return {i: cache[i] for i in ids}


def _own_copy(cell: Cell) -> Cell:
    """Return a cell whose lists the caller may change without touching the kept one."""
    return Cell(
        cell.feature,
        cell.instrument,
        list(cell.provisions),
        list(cell.attestations),
        list(cell.candidates),
        list(cell.claims),
    )


def compare(
    kg: GraphStore,
    instruments: Sequence[str] = DEFAULT_INSTRUMENTS,
    features: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
) -> Comparison:
    """Compare instruments feature by feature (named query ``compare_features``).

    :param kg: the knowledge graph.
    :param instruments: instrument ids (or IRIs), in column order.
    :param features: only these feature ids (default: every feature of the scheme).
    :param groups: only features of these groups (``scope``, ``channels``, ``request``,
        ``refusal``, ``measures``, ``protection``, ``final``).
    :returns: the comparison, one row per feature in scheme order.
    :raises UnknownInstrument: for an instrument id not in the graph (listing the known ones).
    :raises UnknownFeature: for a feature id not in the scheme.
    :raises InvalidParameter: for an unknown group.

    >>> from mla_kg import KnowledgeGraph
    >>> c = KnowledgeGraph().compare(["eu-jp-mla", "eu-us-mla"], groups=["refusal"])
    >>> c.cell("bank-secrecy-excluded", "eu-jp-mla").pinpoints()[0].citation
    'Art 11(3)'
    """
    ids = resolve_instruments(kg, instruments)
    feature_ids = _resolve_features(kg, features) if features else None
    facts = _instrument_facts(kg, ids, feature_ids)
    wanted = set(feature_ids) if feature_ids else None
    naming: dict[str, tuple[tuple[float, float, str], dict[str, Node]]] = {}
    for instrument_id in ids:
        for feature_id, entry in facts[instrument_id].features.items():
            if wanted is None or feature_id in wanted:
                naming.setdefault(feature_id, entry)
    rows = {feature_id: _feature_row(r) for feature_id, (_, r) in naming.items()}
    in_order = sorted(rows, key=lambda f: naming[f][0])
    all_groups: dict[str, str] = {}
    for feature_id in in_order:
        all_groups.setdefault(rows[feature_id].group, rows[feature_id].group_label)
    if groups:
        # With a feature filter the rows hold only those features' groups; ask the scheme.
        known = _feature_groups(kg) if feature_ids else {row.group for row in rows.values()}
        unknown = [g for g in groups if g not in known]
        if unknown:
            raise InvalidParameter(
                "groups", unknown[0], f"a feature group: {', '.join(sorted(known))}"
            )
    selected = [rows[f] for f in in_order if not groups or rows[f].group in groups]
    for row in selected:
        row.cells = {}
        for i in ids:
            kept = facts[i].cells.get(row.id)
            row.cells[i] = _own_copy(kept) if kept else Cell(row.id, i)
    texts: dict[str, list[str]] = {}
    for text_row in kg.run("official_texts", instrument=ids).rows:
        texts.setdefault(str(text_row["instrumentId"]), []).append(str(text_row["officialText"]))
    cited = {s for row in selected for cell in row.cells.values() for s in cell.cited_sources()}
    return Comparison(
        instruments=ids,
        features=selected,
        official_texts=texts,
        sources=load_sources(kg, cited),
        all_groups=list(all_groups.items()),
    )
