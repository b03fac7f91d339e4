"""The verification vocabulary: how sure a fact is, and how every output says so.

Every subdivision, absence, claim and participation carries a verification status: ``official``
(read in an official text), ``scholarly`` (read in scholarship) or ``recalled`` (believed, not
yet checked). A conclusion is as sure as its weakest fact, and every output a user reads marks
a recalled fact with :data:`RECALLED_MARK` and explains the mark in a legend.

>>> weakest(["official", "recalled", "scholarly"])
'recalled'
>>> status_name(None), mark("recalled"), mark("official")
('recalled', 'recalled†', 'official')
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib.term import Node

from mla_kg.iris import local_name

#: Verification statuses from strongest to weakest; a conclusion is as sure as its weakest fact.
VERIFICATIONS = ("official", "scholarly", "recalled")
#: The mark put after every recalled fact in every rendering.
RECALLED_MARK = "†"
#: The legend line of tables (comparison matrix, differences, profiles, outlines).
RECALLED_LEGEND = f"{RECALLED_MARK} recalled: not verified against the official text"
#: The closing line of a legal-basis answer, and of a request checklist (whose reader is
#: told where to check). Kept as they are documented in docs/planning.md.
BASIS_RECALLED_NOTE = (
    f"{RECALLED_MARK} recalled: believed but not confirmed; check before relying on it."
)
CHECKLIST_RECALLED_NOTE = (
    f"{RECALLED_MARK} recalled: believed but not confirmed; check the official text "
    "before relying on it."
)


def weakest(statuses: Iterable[str]) -> str:
    """Return the weakest of verification statuses (``official`` if none is given).

    >>> weakest(["official", "scholarly"])
    'scholarly'
    >>> weakest([])
    'official'
    """
    ranks = [VERIFICATIONS.index(status) for status in statuses]
    return VERIFICATIONS[max(ranks)] if ranks else VERIFICATIONS[0]


def status_name(term: Node | None) -> str:
    """Return ``official``, ``scholarly`` or ``recalled`` for a status IRI (unknown: recalled).

    A fact without a known status is treated as the weakest, never upgraded.
    """
    if term is None:
        return "recalled"
    name = local_name(term)
    return name if name in VERIFICATIONS else "recalled"


def mark(status: str) -> str:
    """Return the status as shown to readers: recalled facts carry the dagger."""
    return f"{status}{RECALLED_MARK}" if status == "recalled" else status


__all__ = [
    "BASIS_RECALLED_NOTE",
    "CHECKLIST_RECALLED_NOTE",
    "RECALLED_LEGEND",
    "RECALLED_MARK",
    "VERIFICATIONS",
    "mark",
    "status_name",
    "weakest",
]
