"""The completeness check as a table a practitioner reads (``mla-kg check-request -f table``).

>>> from mla_kg import KnowledgeGraph
>>> from mla_kg.drafting.check import EXAMPLE, check_request
>>> from mla_kg.drafting.description import RequestDescription
>>> print(to_text(check_request(KnowledgeGraph(), RequestDescription.from_file(EXAMPLE))))
Request check: BE to JP, 2025-03-01; basis eu-jp-mla (EU-Japan MLA Agreement; official)
<BLANKLINE>
Content requirements (provided / provision / verification / item)
  yes      Art 8(4)  scholarly  particulars: ...
...
Complete: yes; unanswered risks: 0
...
"""

from __future__ import annotations

from mla_kg.drafting.check import RequestCheck, Requirement
from mla_kg.verification import RECALLED_MARK, mark


def _requirement(requirement: Requirement, title: str = "") -> str:
    state = "yes" if requirement.provided else ("optional" if requirement.optional else "MISSING")
    # A guidance point is shown under its guidance's title: "item 1 (...)" is enough.
    provision = requirement.provision.removeprefix(f"{title}, ") if title else requirement.provision
    line = (
        f"  {state:<8} {provision}  {mark(requirement.verification)}  "
        f"{requirement.item}: {requirement.label}"
    )
    if requirement.missing:
        line += f"\n           missing: {', '.join(requirement.missing)}"
    return line


def to_text(check: RequestCheck) -> str:
    """Return the check as plain text: requirements, risks, measures, rules, the verdict."""
    description = check.description
    head = (
        f"Request check: {description.requesting.state} to {description.requested.state}, "
        f"{description.date.isoformat()}"
    )
    if check.plan is None:
        usable = ", ".join(check.usable) or "none"
        return f"{head}; no usable legal basis is recorded (usable: {usable})\nComplete: no"
    basis = check.plan.basis
    lines = [
        f"{head}; basis {basis.instrument} ({basis.title}; {mark(basis.verification)})",
        "",
        "Content requirements (provided / provision / verification / item)",
    ]
    lines += [_requirement(r) for r in check.requirements]
    if check.guidance:
        title = check.plan.guidance_title or "Guidance of the requested State"
        lines += ["", title]
        lines += [_requirement(r, title) for r in check.guidance]
    lines += ["", "Refusal risks the facts raise"]
    if not check.risks:
        lines.append("  none of the grounds this basis records is engaged by the facts")
    for risk in check.risks:
        state = "answered" if risk.answered else "OPEN"
        lines.append(f"  {state:<8} {risk.label} ({risk.provision}): {risk.why}")
    lines += ["", "Measures"]
    for entry in check.measures():
        where = "; ".join(entry["provisions"]) or "; ".join(entry["residual"]) or "none recorded"  # type: ignore[arg-type]
        lines.append(f"  {entry['measure']}: {entry['covered']} ({where})")
    info = check.basis_dict() or {}
    lines += ["", "Where the request goes, channels and language"]
    lines += [f"  addressee: {a}" for a in info.get("addressee", [])]  # type: ignore[union-attr]
    lines += [f"  channel: {c}" for c in info.get("channels", [])]  # type: ignore[union-attr]
    lines += [f"  language: {c}" for c in info.get("languages", [])]  # type: ignore[union-attr]
    lines += [f"  language rule: {c}" for c in info.get("language_rules", [])]  # type: ignore[union-attr]
    lines += [
        "",
        f"Complete: {'yes' if check.complete else 'no'}; unanswered risks: {len(check.unanswered)}",
        f"{RECALLED_MARK} recalled: believed but not confirmed; check the official text before "
        "relying on it.",
    ]
    return "\n".join(lines)


__all__ = ["to_text"]
