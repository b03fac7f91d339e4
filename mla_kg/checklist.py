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
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal
from rdflib.term import Node

from mla_kg.errors import UnknownFeature
from mla_kg.legal_basis import (
    RECALLED_MARK,
    Basis,
    Excluded,
    LegalBases,
    legal_bases,
    mark,
    status_name,
    weakest,
)

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore

#: Features that say how a request travels.
CHANNEL_FEATURES = (
    "central-authority-channel",
    "diplomatic-channel",
    "direct-judicial-contact",
    "urgent-request-other-means",
)
#: Grounds for refusal the checklist weighs against the offence.
GROUND_FEATURES = (
    "refusal-death-penalty-abstract",
    "refusal-death-penalty-concrete",
    "refusal-life-imprisonment",
    "refusal-double-criminality-general",
    "refusal-double-criminality-coercive",
)
#: Features on whose law governs execution (forum regit actum and its limits).
FORMALITY_FEATURES = (
    "manner-of-execution-indicated",
    "forum-limit-fundamental-principles",
    "forum-limit-contrary-to-law",
    "execution-under-requested-law",
)
LANGUAGE_FEATURES = ("language-requirement",)
#: Proposed features (not yet in the scheme) that state conditions of a domestic-law basis.
CONDITION_PROPOSALS = ("reciprocity-guarantee", "indispensability-statement")
MEASURES_GROUP = "measures"
# Which MoJ guidance items apply to which kind of basis.
_MOJ_COVERAGE = {
    "bilateral": {"any", "treaty"},
    "eu": {"any", "treaty"},
    "multilateral": {"any", "multilateral"},
    "reciprocity": {"any", "non-treaty"},
}


@dataclass(frozen=True)
class Offence:
    """What is known of the offence; ``None`` means the user did not say."""

    punishable_by_death: bool | None = None
    punishable_by_life_imprisonment: bool | None = None
    coercive: bool | None = None
    description: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the offence as given."""
        return {
            "description": self.description,
            "punishable_by_death": self.punishable_by_death,
            "punishable_by_life_imprisonment": self.punishable_by_life_imprisonment,
            "coercive": self.coercive,
        }


@dataclass
class Cited:
    """A provision, presence or absence the graph records on a feature, with its status."""

    kind: str  # provision | presence | absence
    feature: str
    citation: str | None
    verification: str
    citation_recalled: bool = False
    summary: str | None = None
    state: str | None = None
    sources: list[str] = field(default_factory=list)
    pinpoint: str | None = None

    @property
    def status(self) -> str:
        """Return the status a reader should rely on (recalled where the citation is)."""
        return "recalled" if self.citation_recalled else self.verification

    def __str__(self) -> str:
        where = ", ".join(self.sources)
        if self.pinpoint:
            where = f"{where}, {self.pinpoint}" if where else self.pinpoint
        name = {
            "provision": self.citation or "(provision)",
            "presence": "present (no article placed)",
            "absence": "absent",
        }[self.kind]
        detail = f": {self.summary}" if self.summary else ""
        return f"{name} [{mark(self.status)}; {where}]{detail}"

    def to_dict(self) -> dict[str, object]:
        """Return the citation for JSON."""
        return {
            "kind": self.kind,
            "citation": self.citation,
            "summary": self.summary,
            "state": self.state,
            "verification": self.status,
            "sources": self.sources,
            "pinpoint": self.pinpoint,
        }


@dataclass
class Authority:
    """An authority the request goes to."""

    label: str
    role: str
    verification: str
    phase: str | None = None
    contact: str | None = None
    listed_in: str | None = None
    version: str | None = None
    sources: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = self.label + (f" ({self.phase})" if self.phase else "")
        if self.listed_in:
            text += f", listed in {self.listed_in}"
        text += f" [{mark(self.verification)}; {', '.join(self.sources)}]"
        if self.contact:
            text += f"; contact: {self.contact}"
        return text

    def to_dict(self) -> dict[str, object]:
        """Return the authority for JSON."""
        return {
            "label": self.label,
            "role": self.role,
            "phase": self.phase,
            "contact": self.contact,
            "listed_in": self.listed_in,
            "version": self.version,
            "verification": self.verification,
            "sources": self.sources,
        }


@dataclass
class MeasureCover:
    """Whether the instrument covers a measure, and by which provisions."""

    measure: str
    label: str
    covered: str  # "yes" | "absent" | "not recorded"
    provisions: list[Cited]
    residual: list[Cited] = field(default_factory=list)

    @property
    def verification(self) -> str:
        """Return the strongest status among the facts on the measure (what it can rest on)."""
        statuses = [c.status for c in self.provisions]
        if not statuses:
            return "recalled"
        return min(statuses, key=("official", "scholarly", "recalled").index)

    def to_dict(self) -> dict[str, object]:
        """Return the measure for JSON."""
        return {
            "measure": self.measure,
            "label": self.label,
            "covered": self.covered,
            "verification": self.verification if self.provisions else None,
            "provisions": [c.to_dict() for c in self.provisions],
            "residual": [c.to_dict() for c in self.residual],
        }


@dataclass
class GroundCheck:
    """A ground for refusal the instrument gives, weighed against the offence."""

    ground: str
    label: str
    engaged: str  # "applies" | "could apply" | "not engaged"
    why: str
    provisions: list[Cited]

    def to_dict(self) -> dict[str, object]:
        """Return the ground for JSON."""
        return {
            "ground": self.ground,
            "label": self.label,
            "engaged": self.engaged,
            "why": self.why,
            "provisions": [c.to_dict() for c in self.provisions],
        }


@dataclass
class GuidanceItem:
    """An item of a justice ministry's published guidance for requests to its State."""

    number: str
    text: str
    applies_to: str
    verification: str
    sources: list[str]
    pinpoint: str | None

    def __str__(self) -> str:
        where = ", ".join(self.sources) + (f", {self.pinpoint}" if self.pinpoint else "")
        return f"{self.number}. {self.text} [{mark(self.verification)}; {where}]"

    def to_dict(self) -> dict[str, object]:
        """Return the item for JSON."""
        return {
            "number": self.number,
            "item": self.text,
            "applies_to": self.applies_to,
            "verification": self.verification,
            "sources": self.sources,
            "pinpoint": self.pinpoint,
        }


@dataclass
class BasisPlan:
    """The checklist for one legal basis."""

    basis: Basis
    authorities: list[Authority]
    channels: list[Cited]
    languages: list[tuple[str, Cited]]
    language_rules: list[Cited]
    measures: list[MeasureCover]
    grounds: list[GroundCheck]
    formalities: dict[str, list[Cited]]
    conditions: list[Cited]
    guidance: list[GuidanceItem]
    guidance_title: str | None = None

    @property
    def own_formalities(self) -> str:
        """Return whether the requesting State may ask for its own formalities (yes/no/unknown)."""
        cited = self.formalities.get("manner-of-execution-indicated", [])
        if any(c.kind != "absence" for c in cited):
            return "yes"
        if cited:
            return "no"
        return "not recorded"

    def formality_limits(self) -> list[Cited]:
        """Return the recorded limits on the requesting State's formalities (not absences)."""
        return [
            c
            for feature in ("forum-limit-fundamental-principles", "forum-limit-contrary-to-law")
            for c in self.formalities.get(feature, [])
            if c.kind != "absence"
        ]

    def to_dict(self) -> dict[str, object]:
        """Return the plan for JSON."""
        return {
            **self.basis.to_dict(),
            "title": self.basis.title,
            "authorities": [a.to_dict() for a in self.authorities],
            "channels": [c.to_dict() for c in self.channels],
            "languages": [{"language": tag, **c.to_dict()} for tag, c in self.languages],
            "language_rules": [c.to_dict() for c in self.language_rules],
            "measures": [m.to_dict() for m in self.measures],
            "grounds_for_refusal": [g.to_dict() for g in self.grounds],
            "own_formalities": {
                "may_request": self.own_formalities,
                "provisions": [
                    c.to_dict() for c in self.formalities.get("manner-of-execution-indicated", [])
                ],
                "limits": [c.to_dict() for c in self.formality_limits()],
                "requested_state_law": [
                    c.to_dict() for c in self.formalities.get("execution-under-requested-law", [])
                ],
            },
            "conditions": [c.to_dict() for c in self.conditions],
            "guidance": [g.to_dict() for g in self.guidance],
        }


@dataclass
class RequestChecklist:
    """The checklist for a request: one plan per usable legal basis."""

    requesting: str
    requested: str
    on: datetime.date
    measures: list[str]
    offence: Offence
    plans: list[BasisPlan]
    excluded: list[Excluded]
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Return the checklist as a JSON-ready dict."""
        return {
            "requesting": self.requesting,
            "requested": self.requested,
            "on": self.on.isoformat(),
            "measures": self.measures,
            "offence": self.offence.to_dict(),
            "bases": [plan.to_dict() for plan in self.plans],
            "excluded": [item.to_dict() for item in self.excluded],
        }

    def to_json(self) -> str:
        """Return the checklist as JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def heading(self) -> str:
        """Return the title line."""
        name = self.labels.get
        return (
            f"Request checklist: {name(self.requesting, self.requesting)} to "
            f"{name(self.requested, self.requested)}, {self.on.isoformat()}"
        )

    def _lines(self, markdown: bool) -> list[str]:
        """Return the checklist as lines of Markdown or plain text."""
        h2, h3 = ("## ", "### ") if markdown else ("", "  ")
        bullet = "- " if markdown else "    - "
        sub = "  - " if markdown else "        - "
        lines = [("# " if markdown else "") + self.heading(), ""]
        offence = [
            f"punishable by death: {_yes_no(self.offence.punishable_by_death)}",
            f"punishable by life imprisonment: "
            f"{_yes_no(self.offence.punishable_by_life_imprisonment)}",
            f"coercive measures: {_yes_no(self.offence.coercive)}",
        ]
        lines.append("Offence: " + "; ".join(offence))
        lines.append("Measures: " + (", ".join(self.measures) or "(none given)"))
        lines.append("")
        if not self.plans:
            lines += ["No usable legal basis is recorded for this pair on this date.", ""]
        for number, plan in enumerate(self.plans, 1):
            basis = plan.basis
            lines.append(
                f"{h2}{number}. {basis.instrument} ({basis.kind}; {mark(basis.verification)}) "
                f"{basis.title}"
            )
            lines.append("")
            lines.append(f"{h3}Why this basis applies")
            lines += [f"{bullet}{reason}" for reason in basis.reasons]
            lines.append(f"{h3}Where the request goes")
            if plan.authorities:
                lines += [f"{bullet}{authority}" for authority in plan.authorities]
            else:
                lines.append(
                    f"{bullet}no authority of {self.requested} recorded under {basis.instrument}"
                )
            lines += [f"{bullet}channel ({c.feature}): {c}" for c in plan.channels]
            lines.append(f"{h3}Language")
            if plan.languages:
                lines += [f"{bullet}{tag}: {c}" for tag, c in plan.languages]
            else:
                lines.append(
                    f"{bullet}no accepted language of {self.requested} recorded "
                    f"under {basis.instrument}"
                )
            lines += [f"{bullet}rule: {c}" for c in plan.language_rules]
            lines.append(f"{h3}Measures")
            if not plan.measures:
                lines.append(f"{bullet}(no measure asked about)")
            for cover in plan.measures:
                lines.append(f"{bullet}{cover.measure} ({cover.label}): {cover.covered}")
                lines += [f"{sub}{c}" for c in cover.provisions]
                lines += [f"{sub}residual assistance: {c}" for c in cover.residual]
            lines.append(f"{h3}Grounds for refusal to weigh")
            if not plan.grounds:
                lines.append(f"{bullet}none of the weighed grounds is recorded for this basis")
            for ground in plan.grounds:
                lines.append(f"{bullet}{ground.label}: {ground.engaged} ({ground.why})")
                lines += [f"{sub}{c}" for c in ground.provisions]
            lines.append(f"{h3}Formalities of the requesting State")
            lines.append(f"{bullet}may ask for its own formalities: {plan.own_formalities}")
            lines += [
                f"{sub}{c}" for c in plan.formalities.get("manner-of-execution-indicated", [])
            ]
            limits = plan.formality_limits()
            if limits:
                lines.append(f"{bullet}limit:")
                lines += [f"{sub}{_limit_label(c)}: {c}" for c in limits]
            elif plan.own_formalities == "yes":
                lines.append(f"{bullet}limit: not recorded")
            for c in plan.formalities.get("execution-under-requested-law", []):
                lines.append(f"{bullet}execution under the requested State's law: {c}")
            if plan.conditions:
                lines.append(f"{h3}Conditions of the domestic law")
                lines += [f"{bullet}{c}" for c in plan.conditions]
            if plan.guidance:
                lines.append(f"{h3}{plan.guidance_title or 'Guidance of the requested State'}")
                lines += [f"{bullet}{item}" for item in plan.guidance]
            lines.append("")
        if self.excluded:
            lines.append(f"{h2}Excluded candidates")
            lines += [f"{bullet}{item.instrument}: {item.why}" for item in self.excluded]
            lines.append("")
        lines.append(
            f"{RECALLED_MARK} recalled: believed but not confirmed; check the official text "
            "before relying on it."
        )
        return lines

    def to_markdown(self) -> str:
        """Return the checklist as Markdown."""
        return "\n".join(self._lines(markdown=True)) + "\n"

    def to_text(self) -> str:
        """Return the checklist as plain text."""
        return "\n".join(self._lines(markdown=False)) + "\n"


def _yes_no(value: bool | None) -> str:
    return "not stated" if value is None else ("yes" if value else "no")


def _limit_label(cited: Cited) -> str:
    return {
        "forum-limit-fundamental-principles": "only the requested State's fundamental principles",
        "forum-limit-contrary-to-law": "any contrary law of the requested State",
    }.get(cited.feature, cited.feature)


def _key(source: Node) -> str:
    return str(source).rstrip("/").rsplit("/", 1)[-1]


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
            )
            by_node[(feature, node)] = cited
        source = row.get("source")
        if source is not None and _key(source) not in cited.sources:
            cited.sources.append(_key(source))
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
    :raises UnknownFeature: for a measure id outside the measures group, listing the measures.
    :raises InvalidParameter: for a malformed date.
    """
    offence = offence or Offence()
    features = _features(kg)
    known_measures = sorted(f for f, (_, group) in features.items() if group == MEASURES_GROUP)
    for measure in measures:
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
    return RequestChecklist(
        found.requesting,
        found.requested,
        found.on,
        list(measures),
        offence,
        plans,
        found.excluded,
        found.labels,
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
    languages = []
    for row in kg.run("checklist_languages", instrument=basis.instrument, state=requested).rows:
        languages.append(
            (
                str(row["language"]),
                Cited(
                    kind="provision",
                    feature="language-requirement",
                    citation=str(row["citation"]) if "citation" in row else None,
                    verification=status_name(row.get("verification")),
                    sources=[_key(row["source"])] if "source" in row else [],
                    pinpoint=str(row["pinpoint"]) if "pinpoint" in row else None,
                ),
            )
        )
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
    conditions: list[Cited] = []
    if basis.kind == "reciprocity":
        proposed_rows = kg.run(
            "checklist_proposed", instrument=basis.instrument, proposed=list(CONDITION_PROPOSALS)
        ).rows
        conditions = [
            c
            for group in _cited(
                [
                    {**row, "featureId": row["proposed"], "kind": Literal("provision")}
                    for row in proposed_rows
                ]
            ).values()
            for c in group
        ]
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


def _authorities(kg: GraphStore, instrument: str, state: str) -> list[Authority]:
    """Return the central authorities of the State under the instrument (competent ones if none)."""
    grouped: dict[Node, Authority] = {}
    for row in kg.run("checklist_authorities", instrument=instrument, state=state).rows:
        node = row["authority"]
        authority = grouped.get(node)
        if authority is None:
            authority = Authority(
                label=str(row.get("label", node)),
                role=str(row["role"]).rsplit("#", 1)[-1],
                verification=status_name(row.get("verification")),
                phase=str(row["phase"]) if "phase" in row else None,
                contact=str(row["contact"]) if "contact" in row else None,
                listed_in=str(row["entryCitation"]) if "entryCitation" in row else None,
                version=str(row["version"]) if "version" in row else None,
            )
            grouped[node] = authority
        source = row.get("source")
        if source is not None and _key(source) not in authority.sources:
            authority.sources.append(_key(source))
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
        source = row.get("source")
        if source is not None and _key(source) not in item.sources:
            item.sources.append(_key(source))
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
