r"""The fields of the request form (``/request``) and the description they stand for.

The form is flat: one field per key of the request description (``requesting.state``,
``offence.maximum_penalty.death_penalty``, ...), the measures sought as ``measure`` (checked
ids) with their particulars as ``measure.<id>.<key>``, persons as ``person.<n>.<key>`` and
items as ``item.<n>.<key>``. :func:`fields_mapping` turns the submitted fields into the mapping
:meth:`~mla_kg.drafting.RequestDescription.from_mapping` validates, so the form and a YAML
description meet the one schema and give the same errors; :func:`description_fields` goes the
other way, to fill the form from a description (the documented example).

>>> mapping = fields_mapping([("requested.state", "JP"), ("measure", "bank-information"),
...     ("measure.bank-information.coercive", "true"), ("formalities", "a\n\nb")])
>>> mapping["requested"], mapping["measures"], mapping["formalities"]
({'state': 'JP'}, [{'id': 'bank-information', 'coercive': True}], ['a', 'b'])
>>> fields_mapping([("offence.maximum_penalty.death_penalty", "")])
{}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mla_kg.drafting import RequestDescription

#: The keys of the description one form field each holds, in the form's order.
SCALAR_FIELDS = (
    "requesting.state",
    "requesting.authority",
    "requesting.authority_kind",
    "requesting.reference",
    "requesting.contact",
    "requested.state",
    "date",
    "legal_basis",
    "proceedings.authority",
    "proceedings.stage",
    "proceedings.reference",
    "offence.qualification",
    "offence.applicable_law",
    "offence.maximum_penalty.description",
    "offence.maximum_penalty.death_penalty",
    "offence.maximum_penalty.life_imprisonment",
    "offence.facts",
    "offence.requested_state_qualification",
    "purpose",
    "urgency.urgent",
    "urgency.reason",
    "urgency.deadline",
    "confidentiality.required",
    "confidentiality.reason",
    "language",
    "assurances.death_penalty",
    "assurances.life_imprisonment",
    "assurances.reciprocity",
    "assurances.indispensability",
)
#: Yes/no keys chosen in a select ("" = not said): the schema decides whether one is required.
CHOICE_FIELDS = frozenset(
    {
        "offence.maximum_penalty.death_penalty",
        "offence.maximum_penalty.life_imprisonment",
    }
)
#: Yes/no keys set by a checkbox (absent = no).
FLAG_FIELDS = frozenset({"urgency.urgent", "confidentiality.required"})
#: Keys of each measure sought; ``coercive`` is a yes/no choice.
MEASURE_FIELDS = ("details", "coercive", "necessity", "why_not_in_person", "location", "follow_up")
PERSON_FIELDS = (
    "name",
    "role",
    "nationality",
    "date_of_birth",
    "address",
    "location",
    "identifiers",
)
ITEM_FIELDS = ("description", "location")
#: Lists typed as text: formalities one per line, confirmations separated by commas or spaces.
LINE_LISTS = ("formalities",)
TOKEN_LISTS = ("confirmations",)
#: Empty rows the form offers for persons and items beyond those the description has.
SPARE_ROWS = 1

_ROW_FIELD = re.compile(r"(?P<kind>person|item)\.(?P<row>[0-9]{1,3})\.(?P<key>[a-z_]+)\Z")
_MEASURE_FIELD = re.compile(r"measure\.(?P<id>[^.]{1,200})\.(?P<key>[a-z_]+)\Z")


def _choice(text: str) -> Any:
    """Return a yes/no choice as a boolean; any other text goes to the schema as it is."""
    return {"true": True, "false": False}.get(text, text)


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key in a nested mapping."""
    *parents, last = key.split(".")
    for part in parents:
        mapping = mapping.setdefault(part, {})
    mapping[last] = value


def _rows(kind: str, found: Mapping[tuple[str, int], dict[str, str]]) -> list[dict[str, str]]:
    """Return the person or item rows that hold anything, in row order."""
    numbers = sorted(row for k, row in found if k == kind)
    return [found[(kind, row)] for row in numbers if found[(kind, row)]]


def fields_mapping(fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Return the description mapping the submitted form fields stand for.

    Empty fields are left out (the schema then names a required key that is missing); unknown
    field names are ignored, as a form's buttons are.

    :param fields: the form's ``(name, value)`` pairs, in order.
    """
    mapping: dict[str, Any] = {}
    measures: dict[str, dict[str, Any]] = {}
    particulars: dict[str, dict[str, Any]] = {}
    rows: dict[tuple[str, int], dict[str, str]] = {}
    lists: dict[str, list[str]] = {}
    for name, raw in fields:
        value = raw.strip()
        if name == "measure" and value:
            measures.setdefault(value, {"id": value})
        elif name in LINE_LISTS:
            lists[name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif name in TOKEN_LISTS:
            lists[name] = [token for token in re.split(r"[\s,]+", value) if token]
        elif name in SCALAR_FIELDS and value:
            choice = name in CHOICE_FIELDS or name in FLAG_FIELDS
            _put(mapping, name, _choice(value) if choice else value)
        elif (match := _MEASURE_FIELD.match(name)) and match["key"] in MEASURE_FIELDS and value:
            given = _choice(value) if match["key"] == "coercive" else value
            particulars.setdefault(match["id"], {})[match["key"]] = given
        elif (match := _ROW_FIELD.match(name)) and value:
            keys = PERSON_FIELDS if match["kind"] == "person" else ITEM_FIELDS
            row = rows.setdefault((match["kind"], int(match["row"])), {})
            if match["key"] in keys:
                row[match["key"]] = value
    if measures:
        mapping["measures"] = [{**m, **particulars.get(i, {})} for i, m in measures.items()]
    for kind, key in (("person", "persons"), ("item", "items")):
        if found := _rows(kind, rows):
            mapping[key] = found
    mapping.update({name: items for name, items in lists.items() if items})
    return mapping


def _text(value: Any) -> str:
    """Return a value as a form field holds it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def description_fields(description: RequestDescription) -> dict[str, Any]:
    """Return the form's field values for a description (lists for ``measure``).

    >>> from mla_kg.drafting import RequestDescription
    >>> from mla_kg.drafting.check import EXAMPLE
    >>> values = description_fields(RequestDescription.from_file(EXAMPLE))
    >>> values["requesting.state"], values["measure"], values["person.0.name"]
    ('BE', ['bank-information'], 'Jan Example')
    """
    data = description.model_dump(mode="json", exclude_none=True)
    values: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        current: Any = data
        for part in name.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        if current is not None:
            values[name] = _text(current)
    values["measure"] = [m["id"] for m in data.get("measures", [])]
    for measure in data.get("measures", []):
        for key in MEASURE_FIELDS:
            if key in measure:
                values[f"measure.{measure['id']}.{key}"] = _text(measure[key])
    for kind, key, keys in (("person", "persons", PERSON_FIELDS), ("item", "items", ITEM_FIELDS)):
        for number, row in enumerate(data.get(key, [])):
            for field in keys:
                if field in row:
                    values[f"{kind}.{number}.{field}"] = _text(row[field])
    values["formalities"] = "\n".join(data.get("formalities", []))
    values["confirmations"] = ", ".join(data.get("confirmations", []))
    return values


def submitted_values(fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Return the form's field values as submitted, to show the form again as it was sent."""
    values: dict[str, Any] = {"measure": []}
    for name, value in fields:
        if name == "measure":
            values["measure"].append(value)
        else:
            values[name] = value
    return values


def row_count(values: Mapping[str, Any], kind: str) -> int:
    """Return how many person or item rows the form shows: those filled, and spare ones."""
    used = [int(m["row"]) for name in values if (m := _ROW_FIELD.match(name)) and m["kind"] == kind]
    return (max(used) + 1 if used else 0) + SPARE_ROWS


__all__ = [
    "CHOICE_FIELDS",
    "FLAG_FIELDS",
    "ITEM_FIELDS",
    "MEASURE_FIELDS",
    "PERSON_FIELDS",
    "SCALAR_FIELDS",
    "description_fields",
    "fields_mapping",
    "row_count",
    "submitted_values",
]
