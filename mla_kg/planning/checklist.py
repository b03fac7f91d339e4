"""The request checklist: what a practitioner checks before drafting a request, per legal basis.

For each basis the legal-basis finder returns (:mod:`mla_kg.legal_basis`), the checklist gathers
from the graph: where the request goes (the requested State's central authorities, with the annex
entry and version that lists them, and contact data where recorded), how it travels (channel
provisions), the languages accepted, whether each measure asked for is covered and by which
provision, the grounds for refusal this offence could meet (death penalty in abstracto, a
State's life-imprisonment ground, general or coercive-measure double criminality), whether the
requesting State may ask for its own formalities and with which limit, the conditions a domestic
law sets, and, for requests to Japan, the Ministry of Justice's guidance items. Every line shows
its verification status; recalled facts carry a dagger (†).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.term import Node

from mla_kg.errors import NotAMeasure, UnknownFeature
from mla_kg.graph.results import add_source
from mla_kg.iris import local_name, slug
from mla_kg.planning.declarations import declarations_for
from mla_kg.planning.legal_basis import Basis, LegalBases, legal_bases
from mla_kg.verification import (
    status_name,
    weakest,
)

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore
from mla_kg.planning.plans import (
    CHANNEL_FEATURES,
    CONDITION_PROPOSALS,
    FORMALITY_FEATURES,
    GROUND_FEATURES,
    LANGUAGE_FEATURES,
    MEASURES_GROUP,
    Authority,
    BasisPlan,
    Cited,
    GroundCheck,
    GuidanceItem,
    MeasureCover,
    Offence,
    RequestChecklist,
)

# Which MoJ guidance items apply to which kind of basis.
_MOJ_COVERAGE = {
    "bilateral": {"any", "treaty"},
    "eu": {"any", "treaty"},
    "multilateral": {"any", "multilateral"},
    "reciprocity": {"any", "non-treaty"},
}


def _cited(rows: Iterable[dict[str, Node]]) -> dict[str, list[Cited]]:
    """Gather provision rows (one per source and note) into citations per feature id."""
    by_node: dict[tuple[str, Node], Cited] = {}
    for row in rows:
        feature = str(row["featureId"])
        node = row["node"]
        cited = by_node.get((feature, node))
        if cited is None:
            summary = row.get("effect") or row.get("summary") or row.get("subject")
            cited = Cited(
                kind=str(row["kind"]),
                feature=feature,
                citation=str(row["citation"]) if "citation" in row else None,
                verification=status_name(row.get("verification")),
                citation_recalled=str(row.get("citationRecalled")) == "yes",
                summary=str(summary) if summary is not None else None,
                state=str(row["state"]) if "state" in row else None,
                pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                iri=str(node) if str(row["kind"]) == "provision" else None,
            )
            by_node[(feature, node)] = cited
        add_source(cited.sources, row)
    grouped: dict[str, list[Cited]] = {}
    for (feature, _), cited in by_node.items():
        grouped.setdefault(feature, []).append(cited)
    return grouped


def _features(kg: GraphStore) -> dict[str, tuple[str, str]]:
    """Return (label, group id) of every feature of the scheme, by feature id."""
    return {
        str(row["featureId"]): (str(row.get("label", row["featureId"])), str(row["groupId"]))
        for row in kg.run("checklist_features").rows
    }


def _ground(
    feature: str,
    label: str,
    cited: list[Cited],
    offence: Offence,
    requesting: str,
    requested: str,
    reserved_by: set[str],
) -> GroundCheck:
    """Weigh one ground for refusal against what is known of the offence and the two States.

    :param reserved_by: States that annex entries give this ground to (empty: every party).
    """

    def by_fact(value: bool | None, fact: str) -> tuple[str, str]:
        if value is None:
            return "could apply", f"not stated whether the offence is {fact}"
        if value:
            return "applies", f"the offence is {fact}"
        return "not engaged", f"the offence is not {fact}"

    if feature.startswith("refusal-death-penalty"):
        engaged, why = by_fact(offence.punishable_by_death, "punishable by death")
    elif feature == "refusal-life-imprisonment":
        engaged, why = by_fact(
            offence.punishable_by_life_imprisonment, "punishable by life imprisonment"
        )
    elif feature == "refusal-double-criminality-coercive":
        engaged, why = by_fact(offence.coercive, "to be met by coercive measures")
        if engaged == "applies":
            why += f"; check the conduct is an offence under the law of {requested}"
    else:
        engaged = "could apply"
        why = f"if the conduct is not an offence under the law of {requested}"
    if reserved_by:
        holders = ", ".join(sorted(reserved_by))
        if requested in reserved_by:
            why += f"; a ground {requested} holds under its own annex entry"
        elif requesting in reserved_by:
            if engaged != "not engaged":
                engaged = "could apply"
            why += (
                f"; the annex entry is {requesting}'s (the requesting State): check whether "
                f"{requested} may invoke it in return"
            )
        else:
            engaged = "not engaged"
            why = f"a ground only for {holders} (annex entries); neither State holds it"
    return GroundCheck(feature, label, engaged, why, cited)


def request_checklist(
    kg: GraphStore,
    requesting: str,
    requested: str,
    measures: Sequence[str] = (),
    offence: Offence | None = None,
    on: str | datetime.date | None = None,
) -> RequestChecklist:
    """Return the checklist for a request from ``requesting`` to ``requested`` on a date.

    :param kg: the knowledge graph.
    :param requesting: ISO 3166-1 alpha-2 code of the requesting State.
    :param requested: code of the requested State.
    :param measures: ids of measures (features of the measures group, e.g. ``bank-information``).
    :param offence: what is known of the offence (death penalty, life imprisonment, coercion).
    :param on: the date (``YYYY-MM-DD``); today by default.
    :raises UnknownState: for an unknown State code, listing the codes.
    :raises UnknownFeature: for a measure id outside the scheme, listing the measures.
    :raises NotAMeasure: for a feature of another group (an :class:`UnknownFeature` too).
    :raises InvalidParameter: for a malformed date.
    """
    offence = offence or Offence()
    features = _features(kg)
    known_measures = sorted(f for f, (_, group) in features.items() if group == MEASURES_GROUP)
    for measure in measures:
        if measure in features and measure not in known_measures:
            raise NotAMeasure(measure, features[measure][1], known_measures)
        if measure not in known_measures:
            raise UnknownFeature(measure, known_measures)
    found: LegalBases = legal_bases(kg, requesting, requested, on)
    guidance_rows = kg.run("checklist_moj", state=found.requested).rows
    plans = [
        _plan(
            kg,
            basis,
            found.requesting,
            found.requested,
            list(measures),
            offence,
            features,
            guidance_rows,
        )
        for basis in found.bases
    ]
    for plan in plans:
        covered = {
            cover.measure: [c.iri for c in cover.provisions if c.iri] for cover in plan.measures
        }
        plan.declarations = declarations_for(
            kg, plan.basis.instrument, found.requested, found.on, covered
        )
    return RequestChecklist(
        found.requesting,
        found.requested,
        found.on,
        list(measures),
        offence,
        plans,
        found.excluded,
        found.labels,
        found.undetermined,
    )


def _plan(
    kg: GraphStore,
    basis: Basis,
    requesting: str,
    requested: str,
    measures: list[str],
    offence: Offence,
    features: dict[str, tuple[str, str]],
    guidance_rows: list[dict[str, Node]],
) -> BasisPlan:
    """Gather the checklist of one basis."""
    asked = [
        *CHANNEL_FEATURES,
        *GROUND_FEATURES,
        *FORMALITY_FEATURES,
        *LANGUAGE_FEATURES,
        *measures,
        "residual-assistance",
    ]
    rows = kg.run("checklist_provisions", instrument=basis.instrument, feature=asked).rows
    everything = _cited(rows)
    # Grounds an annex gives to named States only (Annex IV of the EU-Japan Agreement).
    reserved = {f: {c.state for c in group if c.state} for f, group in everything.items()}
    pair = {requested, requesting}
    cited = {
        f: [c for c in group if c.state is None or c.state in pair]
        for f, group in everything.items()
    }
    authorities = _authorities(kg, basis.instrument, requested)
    languages = _languages(kg, basis.instrument, requested)
    covers = _measure_covers(measures, cited, features)
    grounds = [
        _ground(
            feature,
            features[feature][0],
            cited[feature],
            offence,
            requesting,
            requested,
            reserved.get(feature, set()),
        )
        for feature in GROUND_FEATURES
        if any(c.kind != "absence" for c in cited.get(feature, []))
    ]
    conditions = _conditions(kg, basis.instrument) if basis.kind == "reciprocity" else []
    coverage = _MOJ_COVERAGE[basis.kind]
    guidance = _guidance(guidance_rows, coverage)
    title = str(guidance_rows[0]["schemeLabel"]) if guidance_rows else None
    return BasisPlan(
        basis=basis,
        authorities=authorities,
        channels=[c for f in CHANNEL_FEATURES for c in cited.get(f, []) if c.kind != "absence"],
        languages=languages,
        language_rules=[c for f in LANGUAGE_FEATURES for c in cited.get(f, [])],
        measures=covers,
        grounds=grounds,
        formalities={f: cited.get(f, []) for f in FORMALITY_FEATURES},
        conditions=conditions,
        guidance=guidance,
        guidance_title=title,
    )


def _languages(kg: GraphStore, instrument: str, requested: str) -> list[tuple[str, Cited]]:
    """Return the languages the requested State accepts under an instrument, each cited."""
    languages = []
    for row in kg.run("checklist_languages", instrument=instrument, state=requested).rows:
        languages.append(
            (
                str(row["language"]),
                Cited(
                    kind="provision",
                    feature="language-requirement",
                    citation=str(row["citation"]) if "citation" in row else None,
                    verification=status_name(row.get("verification")),
                    sources=[slug(row["source"])] if "source" in row else [],
                    pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                ),
            )
        )
    return languages


def _measure_covers(
    measures: list[str], cited: dict[str, list[Cited]], features: dict[str, tuple[str, str]]
) -> list[MeasureCover]:
    """Return whether each measure asked for is covered, by which provision, else by what."""
    covers = []
    residual = [c for c in cited.get("residual-assistance", []) if c.kind != "absence"]
    for measure in measures:
        found = cited.get(measure, [])
        if any(c.kind != "absence" for c in found):
            covered = "yes"
        elif found:
            covered = "absent"
        else:
            covered = "not recorded"
        covers.append(
            MeasureCover(
                measure,
                features[measure][0],
                covered,
                found,
                residual if covered != "yes" else [],
            )
        )
    return covers


def _conditions(kg: GraphStore, instrument: str) -> list[Cited]:
    """Return the conditions a domestic law sets for assistance on reciprocity, each cited."""
    proposed_rows = kg.run(
        "checklist_proposed", instrument=instrument, proposed=list(CONDITION_PROPOSALS)
    ).rows
    return [
        c
        for group in _cited(
            [
                {**row, "featureId": row["proposed"], "kind": Literal("provision")}
                for row in proposed_rows
            ]
        ).values()
        for c in group
    ]


def _authorities(kg: GraphStore, instrument: str, state: str) -> list[Authority]:
    """Return the central authorities of the State under the instrument (competent ones if none)."""
    grouped: dict[Node, Authority] = {}
    for row in kg.run("checklist_authorities", instrument=instrument, state=state).rows:
        node = row["authority"]
        authority = grouped.get(node)
        if authority is None:
            authority = Authority(
                label=str(row.get("label", node)),
                role=local_name(row["role"]),
                verification=status_name(row.get("verification")),
                phase=str(row["phase"]) if "phase" in row else None,
                contact=str(row["contact"]) if "contact" in row else None,
                listed_in=str(row["entryCitation"]) if "entryCitation" in row else None,
                version=str(row["version"]) if "version" in row else None,
            )
            grouped[node] = authority
        add_source(authority.sources, row)
    central = [a for a in grouped.values() if a.role == "CentralAuthority"]
    return central or list(grouped.values())


def _guidance(rows: list[dict[str, Node]], coverage: set[str]) -> list[GuidanceItem]:
    """Return the guidance items that apply to a kind of basis, in order."""
    items: dict[str, GuidanceItem] = {}
    for row in rows:
        if str(row["appliesTo"]) not in coverage:
            continue
        number = str(row["notation"])
        item = items.get(number)
        if item is None:
            item = GuidanceItem(
                number=number,
                text=str(row["label"]),
                applies_to=str(row["appliesTo"]),
                verification=status_name(row.get("verification")),
                sources=[],
                pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
            )
            items[number] = item
        add_source(item.sources, row)
    return list(items.values())


__all__ = [
    "BasisPlan",
    "GroundCheck",
    "MeasureCover",
    "Offence",
    "RequestChecklist",
    "request_checklist",
    "weakest",
]
