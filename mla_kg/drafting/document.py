"""The draft request, built once from a completeness check; Markdown and Word render it.

The draft follows the structure the basis prescribes: the addressee (the requested State's central
authority as the annexes list it, with contact data where recorded), the legal basis cited, one
numbered section per content requirement in the basis's order with the description's text or a
visible ``[TO COMPLETE: ...]`` marker, the assurances the refusal risks call for, the formalities
asked for and their limit, the language and transmission notes, the requested State's guidance
points, and a closing note that lists every provision cited with its status. Statements taken
from the graph carry their pinpoint; a recalled one carries a dagger (†) and the closing note
explains it. Nothing of a treaty's text is reproduced: provisions are cited, and the summaries
are mla-kg's own words.

>>> from mla_kg import KnowledgeGraph
>>> from mla_kg.drafting.check import EXAMPLE, check_request
>>> from mla_kg.drafting.description import RequestDescription
>>> draft = build_draft(check_request(KnowledgeGraph(), RequestDescription.from_file(EXAMPLE)))
>>> [section.heading for section in draft.contents][:2]
['1. Particulars of the case...(Art 8(4))', '2. The purpose...(Art 8(4)(f)†)']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mla_kg.drafting import keys
from mla_kg.drafting.check import RequestCheck, Requirement, addressees, cited_text, sourced
from mla_kg.drafting.description import RequestDescription
from mla_kg.verification import mark

#: The marker a draft shows where the drafter must still write something.
TO_COMPLETE = "[TO COMPLETE: {}]"
RECALLED_NOTE = (
    "† recalled: the graph holds this provision or its placement as believed but not confirmed "
    "against the official text. Check it in the official text before sending the request."
)
NO_TEXT_NOTE = (
    "This draft cites provisions and never reproduces treaty text; every summary is in mla-kg's "
    "own words. The requested State's law governs execution."
)


def to_complete(what: str) -> str:
    """Return the visible marker for something the drafter must still write.

    >>> to_complete("Purpose of the assistance (purpose)")
    '[TO COMPLETE: Purpose of the assistance (purpose)]'
    """
    return TO_COMPLETE.format(what)


@dataclass
class Section:
    """A section of the draft: a heading, the provision it answers, and its paragraphs."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    provision: str | None = None
    bullets: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """Return whether the section still holds a ``[TO COMPLETE: ...]`` marker."""
        return any("[TO COMPLETE:" in text for text in [*self.paragraphs, *self.bullets])


@dataclass
class MeasureRow:
    """A row of the table of measures."""

    measure: str
    label: str
    details: str
    covered: str
    provisions: str


@dataclass
class DraftRequest:
    """A draft request, ready to render."""

    title: str
    header: list[str]
    addressee: Section
    basis: Section
    contents: list[Section]
    measures: list[MeasureRow]
    assurances: list[Section]
    formalities: Section
    transmission: Section
    guidance: Section | None
    open_points: Section | None
    closing: Section
    recalled: bool = False


def _describe(description: RequestDescription, key: str, basis: str | None) -> list[str]:
    """Return the description's text for a key, or the marker that asks for it."""
    found = keys.value(description, key, basis)
    name = keys.label(key)
    if found is None or found == [] or found == "":
        return [to_complete(f"{name} ({key})")]
    if key == "measures":
        return [
            f"{m.id}: {m.details or to_complete(f'what is sought (measures[{m.id}].details)')}"
            for m in description.measures
        ]
    if key == "persons":
        return [_person(p) for p in description.persons]
    if key == "formalities":
        return list(description.formalities)
    if isinstance(found, list):
        return [f"{name}: {item}" for item in found]
    return [f"{name}: {found}"]


def _person(person: object) -> str:
    parts = [getattr(person, "name")]  # noqa: B009 - the Person model, typed loosely here
    for attribute, title in (
        ("role", "role"),
        ("nationality", "nationality"),
        ("date_of_birth", "born"),
        ("address", "address"),
        ("location", "location"),
        ("identifiers", "identifiers"),
    ):
        value = getattr(person, attribute, None)
        if value:
            parts.append(f"{title}: {value}")
    return "; ".join(str(p) for p in parts)


def _requirement_section(
    number: int, requirement: Requirement, description: RequestDescription, basis: str
) -> Section:
    provision = _provision(requirement)
    section = Section(heading=f"{number}. {requirement.label} ({provision})", provision=provision)
    for key in requirement.keys:
        if requirement.optional and not keys.provided(description, key, basis):
            section.paragraphs.append(
                f"None stated ({keys.label(key)}, {key}): the provision asks for this only where "
                "it applies or where possible."
            )
        else:
            section.paragraphs += _describe(description, key, basis)
    if requirement.note:
        section.paragraphs.append(f"Note: {requirement.note}")
    return section


def _provision(requirement: Requirement) -> str:
    return requirement.provision + ("†" if requirement.verification == "recalled" else "")


def build_draft(check: RequestCheck) -> DraftRequest:
    """Return the draft request for a completeness check."""
    description = check.description
    basis_id = check.basis_id
    requesting, requested = description.requesting, description.requested.state
    header = [
        f"From: {requesting.authority} ({requesting.state})",
        f"To: the central authority of {requested}",
        f"Date: {description.date.isoformat()}",
    ]
    if requesting.reference:
        header.append(f"Our reference: {requesting.reference}")
    if description.urgency.urgent:
        deadline = description.urgency.deadline
        header.append(
            "URGENT"
            + (f": execution requested by {deadline.isoformat()}" if deadline else "")
            + (f" ({description.urgency.reason})" if description.urgency.reason else "")
        )
    if description.confidentiality.required:
        header.append(
            "CONFIDENTIAL"
            + (
                f": {description.confidentiality.reason}"
                if description.confidentiality.reason
                else ""
            )
        )
    contents = [
        _requirement_section(n, r, description, basis_id or "")
        for n, r in enumerate(check.requirements, 1)
    ]
    draft = DraftRequest(
        title="Request for mutual legal assistance in criminal matters",
        header=header,
        addressee=_addressee(check),
        basis=_basis(check),
        contents=contents,
        measures=_measures(check),
        assurances=_assurances(check),
        formalities=_formalities(check),
        transmission=_transmission(check),
        guidance=_guidance(check),
        open_points=_open_points(check),
        closing=Section("Closing note: sources and verification"),
    )
    draft.closing = _closing(check, draft)
    return draft


def _addressee(check: RequestCheck) -> Section:
    section = Section("Addressee")
    if check.plan is None:
        section.paragraphs.append(to_complete("no usable legal basis is recorded: the addressee"))
        return section
    section.bullets = addressees(check.plan)
    if not section.bullets:
        section.bullets.append(
            to_complete(f"the central authority of {check.description.requested.state}")
        )
    contacts = [g for g in check.plan.guidance if g.text.startswith("Contact")]
    for item in contacts:
        section.bullets.append(f"{item.text} [{mark(item.verification)}; {_where(item)}]")
    if not any(a.contact for a in check.plan.authorities) and not contacts:
        section.paragraphs.append(
            f"No contact data is recorded for this authority under {check.basis_id}: "
            + to_complete("address and contact of the addressee")
        )
    return section


def _where(item: object) -> str:
    sources = ", ".join(getattr(item, "sources", []))
    pinpoint = getattr(item, "pinpoint", None)
    return sources + (f", {pinpoint}" if pinpoint else "")


def _basis(check: RequestCheck) -> Section:
    section = Section("Legal basis")
    if check.plan is None:
        usable = ", ".join(check.usable) or "none"
        section.paragraphs.append(
            to_complete(f"no usable legal basis is recorded for this request (usable: {usable})")
        )
        return section
    basis = check.plan.basis
    section.paragraphs.append(
        f"This request is made under the {basis.title} ({basis.instrument}; "
        f"{mark(basis.verification)})."
    )
    section.bullets = [str(reason) for reason in basis.reasons]
    return section


def _measures(check: RequestCheck) -> list[MeasureRow]:
    rows = []
    for entry in check.measures():
        measure = check.description.measure(str(entry["measure"]))
        details = measure.details if measure and measure.details else ""
        provisions = "; ".join(entry["provisions"]) or "; ".join(entry["residual"])  # type: ignore[arg-type]
        rows.append(
            MeasureRow(
                measure=str(entry["measure"]),
                label=str(entry["label"]),
                details=details or to_complete(f"measures[{entry['measure']}].details"),
                covered=str(entry["covered"]),
                provisions=provisions or "none recorded",
            )
        )
    return rows


def _assurances(check: RequestCheck) -> list[Section]:
    sections = []
    for risk in check.risks:
        if not risk.keys:
            continue
        section = Section(f"Assurance: {risk.label}", provision=risk.provision)
        section.paragraphs.append(f"Ground for refusal ({risk.provision}): {risk.why}.")
        for key in risk.keys:
            found = keys.value(check.description, key)
            section.paragraphs.append(
                f"{keys.label(key)}: {found}" if found else to_complete(f"{risk.assurance} ({key})")
            )
        sections.append(section)
    return sections


def _formalities(check: RequestCheck) -> Section:
    section = Section("Formalities requested and their limit")
    section.bullets = list(check.description.formalities) or ["No particular formality is asked."]
    if check.plan is None:
        return section
    plan = check.plan
    cited = plan.formalities.get("manner-of-execution-indicated", [])
    section.paragraphs.append(
        f"May the requesting State ask for its own formalities under {check.basis_id}: "
        f"{plan.own_formalities}"
        + (f" ({'; '.join(cited_text(c) for c in cited)})" if cited else "")
        + "."
    )
    limits: dict[str, list[str]] = {}
    for c in plan.formality_limits():
        limits.setdefault(_LIMITS.get(c.feature, c.feature), []).append(cited_text(c))
    for limit, where in limits.items():
        section.paragraphs.append(f"Limit: they are followed {limit} ({'; '.join(where)}).")
    governing = [
        cited_text(c)
        for c in plan.formalities.get("execution-under-requested-law", [])
        if c.kind != "absence"
    ]
    if governing:
        state = check.description.requested.state
        section.paragraphs.append(
            f"Otherwise execution is governed by the law of {state} ({'; '.join(governing)})."
        )
    return section


_LIMITS = {
    "forum-limit-fundamental-principles": (
        "unless contrary to the fundamental principles of the requested State's law"
    ),
    "forum-limit-contrary-to-law": "unless contrary to the requested State's law",
}


def _transmission(check: RequestCheck) -> Section:
    section = Section("Language and transmission")
    if check.plan is None:
        return section
    plan = check.plan
    seen = set()
    for c in plan.channels:
        line = f"{c.feature}: {cited_text(c)}" + (f" - {c.summary}" if c.summary else "")
        if line not in seen:
            seen.add(line)
            section.bullets.append(line)
    for tag, c in plan.languages:
        section.bullets.append(f"accepted language {tag}: {cited_text(c)}")
    language = check.description.language
    if not plan.languages:
        section.bullets.append(
            f"No accepted language of {check.description.requested.state} is recorded under "
            f"{check.basis_id}: check the annex or declaration that lists them."
        )
    section.bullets.append(
        f"This request is written in, or translated into: {language}."
        if language
        else to_complete("the language of the request or of its translation (language)")
    )
    for c in plan.language_rules:
        section.bullets.append(
            f"language rule: {cited_text(c)}" + (f" - {c.summary}" if c.summary else "")
        )
    return section


def _guidance(check: RequestCheck) -> Section | None:
    if not check.guidance or check.plan is None:
        return None
    section = Section(check.plan.guidance_title or "Guidance of the requested State")
    for point in check.guidance:
        state = "answered" if point.provided else to_complete(", ".join(point.missing))
        section.bullets.append(
            f"{point.provision} [{mark(point.verification)}]: {point.label} - {state}"
        )
    return section


def _open_points(check: RequestCheck) -> Section | None:
    points = [risk for risk in check.risks if not risk.keys]
    if not points:
        return None
    section = Section("Points to resolve before sending")
    section.bullets = [f"{risk.label} ({risk.provision}): {risk.why}" for risk in points]
    return section


def _closing(check: RequestCheck, draft: DraftRequest) -> Section:
    section = Section("Closing note: sources and verification")
    section.paragraphs.append(NO_TEXT_NOTE)
    listed = set()
    for requirement in [*check.requirements, *check.guidance]:
        if requirement.provision in listed:
            continue
        listed.add(requirement.provision)
        where = ", ".join(requirement.sources) + (
            f", {requirement.pinpoint}" if requirement.pinpoint else ""
        )
        section.bullets.append(
            f"{_provision(requirement)}: {mark(requirement.verification)}"
            + (f" [{where}]" if where else "")
        )
    lines = [line for risk in check.risks for line in risk.sources]
    if check.plan is not None:
        plan = check.plan
        cited = [c for cover in plan.measures for c in [*cover.provisions, *cover.residual]]
        cited += [*plan.channels, *plan.language_rules]
        cited += [c for group in plan.formalities.values() for c in group if c.kind != "absence"]
        lines += [sourced(c) for c in cited if c.kind == "provision"]
    for line in lines:
        citation = line.split(":")[0].rstrip("†")
        if citation not in listed:
            listed.add(citation)
            section.bullets.append(line)
    sections = [draft.addressee, draft.basis, *draft.contents, *draft.assurances]
    texts = [t for s in sections for t in [s.heading, *s.paragraphs, *s.bullets]]
    texts += [draft.formalities.heading, *draft.formalities.paragraphs]
    texts += draft.transmission.bullets + [row.provisions for row in draft.measures]
    draft.recalled = any("†" in text for text in texts)
    if draft.recalled:
        section.paragraphs.append(RECALLED_NOTE)
    remaining = sum(
        text.count("[TO COMPLETE:")
        for s in [*sections, draft.formalities, draft.transmission]
        for text in [*s.paragraphs, *s.bullets]
    ) + sum(row.details.count("[TO COMPLETE:") for row in draft.measures)
    section.paragraphs.append(
        f"Markers left to complete: {remaining}."
        if remaining
        else "Nothing is left to complete in the sections above."
    )
    return section


__all__ = ["DraftRequest", "MeasureRow", "Section", "build_draft", "to_complete"]
