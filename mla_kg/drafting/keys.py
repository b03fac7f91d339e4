"""The keys a content requirement names, resolved against a request description.

A key says where in the description an item is provided: ``purpose`` (a field),
``offence.facts`` (a nested field), ``measures`` / ``persons`` / ``formalities`` (a non-empty
list), ``measures[videoconference-hearing].necessity`` (a field of the measure with that id),
``persons[*].address`` (that field of every person), ``confirmations[moj-jp-6]`` (a token the
drafter listed) and ``basis`` (met by the draft itself, which cites the legal basis).

>>> from mla_kg.drafting.description import RequestDescription
>>> description = RequestDescription.from_mapping({
...     "requesting": {"state": "DE", "authority": "Staatsanwaltschaft Berlin"},
...     "requested": {"state": "JP"}, "date": "2025-03-01",
...     "offence": {"maximum_penalty": {"description": "10 years", "death_penalty": False,
...                                     "life_imprisonment": False}},
...     "measures": [{"id": "videoconference-hearing"}]})
>>> provided(description, "requesting.authority")
True
>>> provided(description, "measures[videoconference-hearing].necessity")
False
>>> LABELS["purpose"]
'Purpose of the assistance'
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from mla_kg.drafting.description import RequestDescription

_INDEXED = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>[^\]]+)\](?:\.(?P<field>[a-z_]+))?$")

#: How a draft names what a key holds.
LABELS = {
    "basis": "Legal basis",
    "requesting.authority": "Requesting authority",
    "requesting.authority_kind": "Kind of requesting authority",
    "proceedings.authority": "Authority conducting the proceedings",
    "proceedings.stage": "Stage of the proceedings",
    "offence.qualification": "Legal qualification of the offence",
    "offence.applicable_law": "Applicable law of the requesting State",
    "offence.facts": "Summary of the facts",
    "offence.requested_state_qualification": "The conduct under the requested State's law",
    "purpose": "Purpose of the assistance",
    "measures": "Assistance sought",
    "persons": "Persons concerned",
    "formalities": "Procedure the requesting State wishes followed",
    "language": "Language of the request (or of its translation)",
    "assurances.death_penalty": "Assurance on the death penalty",
    "assurances.life_imprisonment": "Assurance on life imprisonment",
    "assurances.reciprocity": "Assurance of reciprocity",
    "assurances.indispensability": "Statement that the evidence is indispensable",
    "necessity": "Why the measure is necessary",
    "why_not_in_person": "Why the person cannot or should not appear in person",
    "details": "What is sought",
    "location": "Where (institution, custodian or place)",
    "follow_up": "Follow-up request",
    "address": "Address",
}


def label(key: str) -> str:
    """Return how a draft names the key."""
    if key in LABELS:
        return LABELS[key]
    match = _INDEXED.match(key)
    if match and match["field"]:
        return f"{LABELS.get(match['field'], match['field'])} ({match['index']})"
    return key


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    return True


def value(description: RequestDescription, key: str, basis: str | None = None) -> Any:
    """Return what the description gives for a key (``None`` when it gives nothing)."""
    if key == "basis":
        return basis
    match = _INDEXED.match(key)
    if match:
        items = getattr(description, match["list"], None) or []
        index, field = match["index"], match["field"]
        if field is None:
            return index if index in items else None
        if index == "*":
            found = [getattr(item, field, None) for item in items]
            return found if found and all(_filled(v) for v in found) else None
        item = next((i for i in items if getattr(i, "id", None) == index), None)
        return getattr(item, field, None) if item is not None else None
    current: Any = description
    for part in key.split("."):
        if not isinstance(current, BaseModel):
            return None
        current = getattr(current, part, None)
    return current if _filled(current) else None


def provided(
    description: RequestDescription,
    key: str,
    basis: str | None = None,
    accept: tuple[str, ...] = (),
) -> bool:
    """Return whether the description provides the key (and, with ``accept``, an accepted value)."""
    found = value(description, key, basis)
    if not _filled(found):
        return False
    return not accept or str(found) in accept


__all__ = ["LABELS", "label", "provided", "value"]
