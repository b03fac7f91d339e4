"""What a request checklist holds, per legal basis, and how it reads (JSON, Markdown, text)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mla_kg.planning.declarations import DeclarationCheck
from mla_kg.planning.legal_basis import Basis, Excluded, Undetermined
from mla_kg.verification import (
    CHECKLIST_RECALLED_NOTE,
    mark,
)

if TYPE_CHECKING:
    pass

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
    #: The subdivision's IRI, for a provision (the declarations are matched on it).
    iri: str | None = None

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
    #: The requested State's reservations and declarations under this basis on the date.
    declarations: list[DeclarationCheck] = field(default_factory=list)

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
            "declarations": [d.to_dict() for d in self.declarations],
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
    undetermined: list[Undetermined] = field(default_factory=list)

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
            "undetermined": [item.to_dict() for item in self.undetermined],
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
        h2 = "## " if markdown else ""
        bullet = "- " if markdown else "    - "
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
            lines += _basis_lines(number, plan, self.requested, markdown)
        if self.excluded:
            lines.append(f"{h2}Candidates that do not apply")
            lines += [f"{bullet}{item.instrument}: {item.cited()}" for item in self.excluded]
            lines.append("")
        if self.undetermined:
            lines.append(f"{h2}Undetermined candidates (not recorded either way)")
            lines += [f"{bullet}{item.instrument}: {item.missing}" for item in self.undetermined]
            lines.append("")
        lines.append(CHECKLIST_RECALLED_NOTE)
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


def _basis_lines(number: int, plan: BasisPlan, requested: str, markdown: bool) -> list[str]:
    """Return the part of a checklist on one basis, as lines of Markdown or plain text."""
    h2, h3 = ("## ", "### ") if markdown else ("", "  ")
    bullet = "- " if markdown else "    - "
    sub = "  - " if markdown else "        - "
    lines: list[str] = []
    basis = plan.basis
    lines.append(
        f"{h2}{number}. {basis.instrument} ({basis.kind}; {mark(basis.verification)}) {basis.title}"
    )
    lines.append("")
    lines.append(f"{h3}Why this basis applies")
    lines += [f"{bullet}{reason}" for reason in basis.reasons]
    lines.append(f"{h3}Where the request goes")
    if plan.authorities:
        lines += [f"{bullet}{authority}" for authority in plan.authorities]
    else:
        lines.append(f"{bullet}no authority of {requested} recorded under {basis.instrument}")
    lines += [f"{bullet}channel ({c.feature}): {c}" for c in plan.channels]
    lines.append(f"{h3}Language")
    if plan.languages:
        lines += [f"{bullet}{tag}: {c}" for tag, c in plan.languages]
    else:
        lines.append(
            f"{bullet}no accepted language of {requested} recorded under {basis.instrument}"
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
    lines += [f"{sub}{c}" for c in plan.formalities.get("manner-of-execution-indicated", [])]
    limits = plan.formality_limits()
    if limits:
        lines.append(f"{bullet}limit:")
        lines += [f"{sub}{_limit_label(c)}: {c}" for c in limits]
    elif plan.own_formalities == "yes":
        lines.append(f"{bullet}limit: not recorded")
    for c in plan.formalities.get("execution-under-requested-law", []):
        lines.append(f"{bullet}execution under the requested State's law: {c}")
    if plan.declarations or basis.kind == "multilateral":
        lines.append(f"{h3}Reservations and declarations of {requested}")
        lines += [f"{bullet}{d}" for d in plan.declarations]
    if not plan.declarations and basis.kind == "multilateral":
        lines.append(
            f"{bullet}none recorded under {basis.instrument} (the graph may not hold every "
            "declaration: check the depositary's list of reservations and declarations)"
        )
    if plan.conditions:
        lines.append(f"{h3}Conditions of the domestic law")
        lines += [f"{bullet}{c}" for c in plan.conditions]
    if plan.guidance:
        lines.append(f"{h3}{plan.guidance_title or 'Guidance of the requested State'}")
        lines += [f"{bullet}{item}" for item in plan.guidance]
    lines.append("")
    return lines
