"""The completeness check of a request description against its legal basis.

For the basis (the description's ``legal_basis``, one given by the caller, or the first the
legal-basis finder lists on the request's date) the check lists every content requirement the
basis prescribes (``research/drafting/request-contents.yaml``), with the provision and its
verification status from the graph and whether the description provides it; the refusal risks
the facts raise (the request checklist's grounds, weighed against the offence), each answered or
not by an assurance or fact the description gives; whether each measure is covered and where; the
channel and language rules; and, for requests to Japan, each point of the Ministry of Justice's
guidance.

>>> from mla_kg import KnowledgeGraph
>>> from mla_kg.drafting.description import RequestDescription
>>> description = RequestDescription.from_file(EXAMPLE)
>>> check = check_request(KnowledgeGraph(), description)
>>> check.basis_id, check.complete
('eu-jp-mla', True)
>>> [r.provision for r in check.requirements][:2]
['Art 8(4)', 'Art 8(4)(f)']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mla_kg.drafting import keys
from mla_kg.drafting.contents import ContentItem, Contents, load_contents
from mla_kg.drafting.description import RequestDescription, RequestDescriptionError
from mla_kg.errors import UnknownState
from mla_kg.graph.results import add_source
from mla_kg.paths import ROOT
from mla_kg.planning.checklist import request_checklist
from mla_kg.planning.plans import BasisPlan, Offence
from mla_kg.verification import mark, status_name, weakest

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore
    from mla_kg.planning.plans import Cited

#: The commented example description (in a checkout only: the docs do not ship in the wheel).
EXAMPLE = ROOT / "docs" / "request-example.yaml"
MEASURES_GROUP = "measures"


def cite(citation: str | None, status: str) -> str:
    """Return a citation as a reader sees it: recalled ones carry the dagger.

    >>> cite("Art 8(4)(f)", "recalled"), cite("Art 11(2)", "scholarly")
    ('Art 8(4)(f)†', 'Art 11(2)')
    """
    text = citation or "(provision not placed)"
    return text + ("†" if status == "recalled" else "")


def cited_text(cited: Cited) -> str:
    """Return one recorded provision, presence or absence as a pinpointed citation."""
    if cited.kind == "provision":
        return cite(cited.citation, cited.status)
    name = "present, no article placed" if cited.kind == "presence" else "absent"
    where = ", ".join(cited.sources) + (f", {cited.pinpoint}" if cited.pinpoint else "")
    return f"{name} [{mark(cited.status)}; {where}]"


def sourced(cited: Cited) -> str:
    """Return a citation with its status, sources and pinpoint, for a closing note."""
    where = ", ".join(cited.sources) + (f", {cited.pinpoint}" if cited.pinpoint else "")
    return f"{cited_text(cited)}: {mark(cited.status)}" + (f" [{where}]" if where else "")


def addressees(plan: BasisPlan) -> list[str]:
    """Return the requested State's authorities once each, as the annex entry lists them."""
    seen: dict[str, str] = {}
    for authority in plan.authorities:
        text = authority.label + (f" ({authority.phase})" if authority.phase else "")
        where = f", listed in {authority.listed_in}" if authority.listed_in else ""
        line = f"{text}{where} [{mark(authority.verification)}; {', '.join(authority.sources)}]"
        if authority.contact:
            line += f"; contact: {authority.contact}"
        if text not in seen or authority.listed_in:
            seen[text] = line
    return list(seen.values())


@dataclass
class Requirement:
    """A content requirement of the basis, and whether the description provides it."""

    item: str
    label: str
    provision: str
    verification: str
    provided: bool
    missing: list[str]
    optional: bool = False
    keys: tuple[str, ...] = ()
    note: str | None = None
    sources: list[str] = field(default_factory=list)
    pinpoint: str | None = None

    @property
    def counts(self) -> bool:
        """Return whether a gap here makes the request incomplete."""
        return not self.optional and not self.provided

    def to_dict(self) -> dict[str, object]:
        """Return the requirement as the JSON contract has it."""
        return {
            "item": self.item,
            "provision": self.provision,
            "verification": mark(self.verification),
            "provided": self.provided,
            "missing": self.missing,
        }


@dataclass
class Risk:
    """A ground for refusal the facts raise, and whether the description answers it."""

    ground: str
    label: str
    provision: str
    why: str
    answered: bool
    assurance: str | None = None
    keys: tuple[str, ...] = ()
    #: each provision the risk rests on, with its status, sources and pinpoint
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """Return the risk for JSON (the contract's keys, and whether it is answered)."""
        return {
            "ground": self.ground,
            "provision": self.provision,
            "why": self.why,
            "answered": self.answered,
        }


@dataclass
class RequestCheck:
    """The completeness check of one request description against one legal basis."""

    description: RequestDescription
    plan: BasisPlan | None
    requirements: list[Requirement]
    guidance: list[Requirement]
    risks: list[Risk]
    usable: list[str]

    @property
    def basis_id(self) -> str | None:
        """Return the id of the basis checked against (``None`` when no basis is usable)."""
        return self.plan.basis.instrument if self.plan else None

    @property
    def complete(self) -> bool:
        """Return whether every required item (and guidance point) is provided."""
        if self.plan is None:
            return False
        return not any(r.counts for r in [*self.requirements, *self.guidance])

    @property
    def unanswered(self) -> list[Risk]:
        """Return the risks the description does not answer."""
        return [risk for risk in self.risks if not risk.answered]

    @property
    def exit_code(self) -> int:
        """Return 0 when complete with no unanswered risk, 1 otherwise."""
        return 0 if self.complete and not self.unanswered else 1

    def basis_dict(self) -> dict[str, object] | None:
        """Return the basis, where the request goes, and the channel and language rules."""
        if self.plan is None:
            return None
        plan, basis = self.plan, self.plan.basis
        return {
            "id": basis.instrument,
            "title": basis.title,
            "kind": basis.kind,
            "verification": mark(basis.verification),
            "addressee": addressees(plan),
            "channels": [f"{c.feature}: {cited_text(c)}" for c in plan.channels],
            "languages": [f"{tag}: {cited_text(c)}" for tag, c in plan.languages],
            "language_rules": [cited_text(c) for c in plan.language_rules],
            "own_formalities": plan.own_formalities,
            "formality_limits": [cited_text(c) for c in plan.formality_limits()],
        }

    def measures(self) -> list[dict[str, object]]:
        """Return each measure sought: covered by the basis or not, and where."""
        if self.plan is None:
            return []
        return [
            {
                "measure": cover.measure,
                "label": cover.label,
                "covered": cover.covered,
                "provisions": [cited_text(c) for c in cover.provisions],
                "residual": [cited_text(c) for c in cover.residual],
            }
            for cover in self.plan.measures
        ]

    def to_dict(self) -> dict[str, object]:
        """Return the check as the JSON contract has it."""
        return {
            "basis": self.basis_dict(),
            "requirements": [r.to_dict() for r in [*self.requirements, *self.guidance]],
            "risks": [r.to_dict() for r in self.risks],
            "measures": self.measures(),
            "complete": self.complete,
        }

    def to_json(self) -> str:
        """Return the check as JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _check_measures(kg: GraphStore, description: RequestDescription) -> None:
    """Refuse a measure id that is not a feature of the measures group, saying what it is."""
    groups = {
        str(row["featureId"]): str(row["groupId"]) for row in kg.run("checklist_features").rows
    }
    measures = sorted(f for f, g in groups.items() if g == MEASURES_GROUP)
    for number, measure in enumerate(description.measures):
        key = f"measures.{number}.id"
        if measure.id in groups and groups[measure.id] != MEASURES_GROUP:
            raise RequestDescriptionError(
                key,
                f"{measure.id!r} is a known feature of the {groups[measure.id]!r} group, not a "
                f"measure (expected one of: {', '.join(measures)})",
            )
        if measure.id not in groups:
            raise RequestDescriptionError(
                key,
                f"{measure.id!r} is not a known measure (expected one of: {', '.join(measures)})",
            )


def _offence(description: RequestDescription) -> Offence:
    """Return the offence as the request checklist weighs it."""
    coercive = [m.coercive for m in description.measures]
    if any(c is True for c in coercive):
        is_coercive: bool | None = True
    elif all(c is False for c in coercive):
        is_coercive = False
    else:
        is_coercive = None
    penalty = description.offence.maximum_penalty
    return Offence(
        punishable_by_death=penalty.death_penalty,
        punishable_by_life_imprisonment=penalty.life_imprisonment,
        coercive=is_coercive,
        description=description.offence.qualification or "",
    )


def _choose(
    checklist: object, wanted: str | None, description: RequestDescription
) -> BasisPlan | None:
    """Return the plan of the wanted basis, or the first usable one."""
    plans: list[BasisPlan] = checklist.plans  # type: ignore[attr-defined]
    if wanted is None:
        return plans[0] if plans else None
    for plan in plans:
        if plan.basis.instrument == wanted:
            return plan
    excluded = {e.instrument: e.why for e in checklist.excluded}  # type: ignore[attr-defined]
    # The finder's third answer (issue 14), where the checklist carries it: no record either way.
    undetermined = {
        getattr(u, "instrument", None): getattr(u, "missing", "no record either way")
        for u in getattr(checklist, "undetermined", None) or []
    }
    why = f" ({excluded[wanted]})" if wanted in excluded else ""
    if wanted in undetermined:
        why = f" (undetermined: {undetermined[wanted]})"
    usable = ", ".join(p.basis.instrument for p in plans) or "none"
    raise RequestDescriptionError(
        "legal_basis",
        f"{wanted!r} is not a usable basis from {description.requesting.state} to "
        f"{description.requested.state} on {description.date.isoformat()}{why}; usable: {usable}",
    )


def check_request(
    kg: GraphStore,
    description: RequestDescription,
    basis: str | None = None,
    contents: Contents | None = None,
) -> RequestCheck:
    """Check a request description against its legal basis.

    :param kg: the knowledge graph.
    :param description: the request description.
    :param basis: an instrument id that overrides the description's ``legal_basis``.
    :param contents: the content-requirement mapping (the bundled one by default).
    :raises RequestDescriptionError: for an unknown measure or State, or a basis not usable.
    """
    contents = contents or load_contents()
    _check_measures(kg, description)
    try:
        checklist = request_checklist(
            kg,
            description.requesting.state,
            description.requested.state,
            description.measure_ids,
            _offence(description),
            on=description.date.isoformat(),
        )
    except UnknownState as error:
        key = "requesting.state"
        if description.requested.state in str(error).split(";")[0]:
            key = "requested.state"
        raise RequestDescriptionError(key, str(error)) from None
    plan = _choose(checklist, basis or description.legal_basis, description)
    usable = [p.basis.instrument for p in checklist.plans]
    if plan is None:
        return RequestCheck(description, None, [], [], [], usable)
    instrument = plan.basis.instrument
    requirements = _requirements(kg, description, contents.items(instrument), instrument)
    requirements += _language(description, plan)
    guidance = _guidance(description, plan, contents, instrument)
    risks = _risks(description, plan, contents)
    return RequestCheck(description, plan, requirements, guidance, risks, usable)


def _provisions(kg: GraphStore, instrument: str, paths: list[str]) -> dict[str, dict]:
    """Return, per subdivision path, its citation, status and sources as the graph records them."""
    base = str(kg.instrument_iri(instrument))
    candidates = {p for path in paths for p in (path, _parent(path)) if p}
    if not candidates:  # a basis with no content article (e.g. reciprocity): nothing to look up
        return {}
    rows = kg.run("request_content_provisions", provision=[f"{base}/{p}" for p in candidates]).rows
    found: dict[str, dict] = {}
    for row in rows:
        path = str(row["provision"])[len(base) + 1 :]
        entry = found.setdefault(
            path,
            {
                "citation": str(row.get("citation", path)),
                "status": "recalled"
                if str(row.get("citationRecalled")) == "yes"
                else status_name(row.get("verification")),
                "sources": [],
                "pinpoint": str(row["pinpoint"]) if "pinpoint" in row else None,
            },
        )
        add_source(entry["sources"], row)
    return found


def _parent(path: str) -> str | None:
    """Return the paragraph a point sits in (``art/8/para/4`` for ``art/8/para/4/point/f``)."""
    parts = path.split("/")
    return "/".join(parts[:-2]) if len(parts) > 2 and parts[-2] == "point" else None


def _requirements(
    kg: GraphStore,
    description: RequestDescription,
    items: list[ContentItem],
    instrument: str,
) -> list[Requirement]:
    """Return the content requirements that apply to this request, in the basis's order."""
    applicable = [i for i in items if i.applies(description.measure_ids)]
    graph = _provisions(kg, instrument, [i.provision for i in applicable])
    out = []
    for item in applicable:
        note = item.note
        entry = graph.get(item.provision)
        if entry is None and _parent(item.provision) in graph:
            entry = graph[_parent(item.provision)]
            note = (
                f"{note} " if note else ""
            ) + f"The graph does not record {item.provision}; cited to the paragraph."
        if entry is None:
            entry = {
                "citation": f"{item.provision} (not in the graph)",
                "status": "recalled",
                "sources": [],
                "pinpoint": None,
            }
        missing = [k for k in item.keys if not keys.provided(description, k, instrument)]
        out.append(
            Requirement(
                item=item.id,
                label=item.label,
                provision=entry["citation"],
                verification=entry["status"],
                provided=not missing,
                missing=missing,
                optional=item.optional,
                keys=item.keys,
                note=note,
                sources=entry["sources"],
                pinpoint=entry["pinpoint"],
            )
        )
    return out


def _language(description: RequestDescription, plan: BasisPlan) -> list[Requirement]:
    """Return the language the basis requires, as a requirement (none if no rule is recorded)."""
    rules = [c for c in plan.language_rules if c.kind == "provision"]
    if not rules and not plan.languages:
        return []
    accepted = [tag for tag, _ in plan.languages]
    given = description.language
    missing = []
    if not given:
        missing = ["language"]
    elif accepted and given not in accepted:
        missing = [f"language ({given!r} is not among the accepted: {', '.join(accepted)})"]
    rule = rules[0] if rules else plan.languages[0][1]
    label = "The language of the request, or of the translation that accompanies it"
    if accepted:
        label += f" (accepted by {description.requested.state}: {', '.join(accepted)})"
    else:
        label += f" (no accepted language of {description.requested.state} is recorded)"
    return [
        Requirement(
            item="language",
            label=label,
            provision=rule.citation or "(provision not placed)",
            verification=rule.status,
            provided=not missing,
            missing=missing,
            keys=("language",),
            sources=rule.sources,
            pinpoint=rule.pinpoint,
        )
    ]


def _guidance(
    description: RequestDescription, plan: BasisPlan, contents: Contents, instrument: str
) -> list[Requirement]:
    """Return each point of the requested State's published guidance, answered or not."""
    out = []
    state = description.requested.state
    for point in plan.guidance:
        answer = contents.guidance.get((state, point.number))
        where = f"{plan.guidance_title or 'guidance'}, item {point.number}"
        if point.pinpoint:
            where += f" ({point.pinpoint})"
        if answer is None:
            missing = ["(no mapping in request-contents.yaml: answer this point by hand)"]
            label_text, answer_keys = point.text, ()
        else:
            missing = [
                k
                for k in answer.keys
                if not keys.provided(description, k, instrument, answer.accept)
            ]
            label_text, answer_keys = answer.label, answer.keys
        out.append(
            Requirement(
                item=f"guidance-{state.lower()}-{point.number}",
                label=label_text,
                provision=where,
                verification=point.verification,
                provided=not missing,
                missing=missing,
                keys=answer_keys,
                note=point.text,
                sources=point.sources,
                pinpoint=point.pinpoint,
            )
        )
    return out


def _risks(description: RequestDescription, plan: BasisPlan, contents: Contents) -> list[Risk]:
    """Return the grounds the facts engage, and the measures the basis does not cover."""
    out = []
    for ground in plan.grounds:
        if ground.engaged == "not engaged":
            continue
        provisions = [c for c in ground.provisions if c.kind == "provision"] or ground.provisions
        answer = contents.risks.get(ground.ground)
        answered = answer is not None and all(keys.provided(description, k) for k in answer.keys)
        why = f"{ground.engaged}: {ground.why}"
        if answer is not None:
            given = ", ".join(answer.keys)
            why += f"; answered by {given}" if answered else f"; to answer it, give {given}"
        out.append(
            Risk(
                ground=ground.ground,
                label=ground.label,
                provision="; ".join(cited_text(c) for c in provisions),
                why=why,
                answered=answered,
                assurance=answer.assurance if answer else None,
                keys=answer.keys if answer else (),
                sources=[sourced(c) for c in provisions],
            )
        )
    for cover in plan.measures:
        if cover.covered == "yes":
            continue
        recorded = cover.provisions or cover.residual
        status = weakest(c.status for c in recorded) if recorded else "recalled"
        why = (
            f"the graph records that {plan.basis.instrument} has no provision for {cover.measure}"
            if cover.covered == "absent"
            else f"the graph records no provision of {plan.basis.instrument} for {cover.measure}: "
            "undetermined, check the instrument's text"
        )
        if cover.residual:
            why += "; residual assistance may serve: " + "; ".join(
                cited_text(c) for c in cover.residual
            )
        out.append(
            Risk(
                ground=f"measure-{cover.covered.replace(' ', '-')}",
                label=f"{cover.label}: {cover.covered}",
                provision="; ".join(cited_text(c) for c in recorded) or mark(status),
                why=why,
                answered=False,
            )
        )
    return out + _declaration_risks(description, plan)


def _declaration_risks(description: RequestDescription, plan: BasisPlan) -> list[Risk]:
    """Return the requested State's declarations that restrict a measure the request seeks."""
    out = []
    for declaration in plan.declarations:
        if not declaration.restricts:
            continue
        dual = "requiresDualCriminality" in declaration.effects
        key = "offence.requested_state_qualification"
        answered = dual and keys.provided(description, key)
        why = f"{declaration.summary} (restricts {', '.join(declaration.restricts)})"
        if dual:
            why += f"; answered by {key}" if answered else f"; to answer it, give {key}"
        out.append(
            Risk(
                ground=f"declaration-{declaration.state}-{declaration.kind or 'declaration'}",
                label=f"{declaration.state} {declaration.kind or 'declaration'} under "
                f"{plan.basis.instrument}",
                provision=f"{declaration.provision} {mark(declaration.verification)}",
                why=why,
                answered=answered,
                keys=(key,) if dual else (),
                sources=[
                    f"{declaration.provision} ({declaration.state} {declaration.kind}): "
                    f"{mark(declaration.verification)} [{', '.join(declaration.sources)}]"
                ],
            )
        )
    return out


__all__ = [
    "RequestCheck",
    "Requirement",
    "Risk",
    "addressees",
    "check_request",
    "cite",
    "cited_text",
    "sourced",
]
