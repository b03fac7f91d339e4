"""The request description a practitioner writes (YAML), its schema and its typed errors.

A description says who asks whom for what, on which facts: the requesting authority and State,
the requested State, the date, the offence (its legal qualification, the maximum penalty, whether
death or life imprisonment is possible, the facts), the measures sought (feature ids of the
``measures`` group), the persons and items concerned, urgency, confidentiality, the formalities
the requesting State wishes followed, the assurances it gives, and the legal basis if the drafter
chose one. ``docs/request-example.yaml`` is a commented example; ``docs/drafting.md`` explains
every key.

A description that does not match raises :class:`RequestDescriptionError`, one line naming the
key and what was expected:

>>> RequestDescription.from_yaml("requesting: {state: BE}")
Traceback (most recent call last):
...
mla_kg.drafting.description.RequestDescriptionError: request description: requesting.authority: \
missing (expected the name of the authority making the request)
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mla_kg.errors import MlaKgError

_ISO_CODE = r"^[A-Z]{2}$"


class _Loader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as text, so the schema reports a bad one by key.

    PyYAML's own timestamp reading raises a bare ``ValueError`` on ``2025-13-01``.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RequestDescriptionError(MlaKgError):
    """A request description that cannot be read or does not match the schema (exit code 2)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"request description: {key}: {problem}" if key else problem)
        self._init_args = (key, problem)
        self.key = key
        self.problem = problem


class _Strict(BaseModel):
    """A part of the description: unknown keys are errors (a misspelt key is never ignored)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Requesting(_Strict):
    """The requesting authority and its State."""

    state: str = Field(pattern=_ISO_CODE, description="ISO 3166-1 alpha-2 code, e.g. BE")
    authority: str = Field(min_length=1, description="the name of the authority making the request")
    authority_kind: Literal["prosecution", "investigation", "court", "ministry", "other"] | None = (
        None
    )
    reference: str | None = None
    contact: str | None = None


class Requested(_Strict):
    """The requested State."""

    state: str = Field(pattern=_ISO_CODE, description="ISO 3166-1 alpha-2 code, e.g. JP")


class Proceedings(_Strict):
    """The proceedings the request serves."""

    authority: str | None = None
    stage: Literal["investigation", "prosecution", "trial", "execution"] | None = None
    reference: str | None = None


class MaximumPenalty(_Strict):
    """The maximum penalty the offence carries under the requesting State's law."""

    description: str = Field(min_length=1, description="the penalty in words")
    death_penalty: bool = Field(description="true or false: whether death may be imposed")
    life_imprisonment: bool = Field(
        description="true or false: whether life imprisonment may be imposed"
    )


class Offence(_Strict):
    """The offence and the facts."""

    qualification: str | None = None
    applicable_law: str | None = None
    maximum_penalty: MaximumPenalty = Field(
        description="description, death_penalty (true/false) and life_imprisonment (true/false)"
    )
    facts: str | None = None
    requested_state_qualification: str | None = None


class Measure(_Strict):
    """A measure sought: a feature id of the ``measures`` group and what it concerns."""

    id: str = Field(min_length=1, description="a measure id such as bank-information")
    details: str | None = None
    coercive: bool | None = None
    necessity: str | None = None
    why_not_in_person: str | None = None
    location: str | None = None
    follow_up: str | None = None


class Person(_Strict):
    """A person the request concerns."""

    name: str = Field(min_length=1, description="the person's name")
    role: str | None = None
    nationality: str | None = None
    date_of_birth: datetime.date | None = None
    address: str | None = None
    location: str | None = None
    identifiers: str | None = None


class Item(_Strict):
    """An item, account or data set the request concerns."""

    description: str = Field(min_length=1, description="what the item is")
    location: str | None = None


class Urgency(_Strict):
    """Whether the request is urgent, why, and by when it must be executed."""

    urgent: bool = False
    reason: str | None = None
    deadline: datetime.date | None = None


class Confidentiality(_Strict):
    """Whether the request and its content must be kept confidential, and why."""

    required: bool = False
    reason: str | None = None


class Assurances(_Strict):
    """Assurances the requesting State gives; each answers a refusal risk or a condition.

    ``death_penalty`` answers a death-penalty ground (e.g. EU-Japan Art 11(1)(b));
    ``life_imprisonment`` a life-imprisonment ground (Portugal's Annex IV entry);
    ``reciprocity`` the reciprocity a request without a treaty needs; ``indispensability`` the
    statement that the evidence is indispensable (Japan's 1980 Act, Art 2(iii)).
    """

    death_penalty: str | None = None
    life_imprisonment: str | None = None
    reciprocity: str | None = None
    indispensability: str | None = None


class RequestDescription(_Strict):
    """A request for mutual legal assistance, as the drafter describes it."""

    requesting: Requesting = Field(description="the requesting authority and its State")
    requested: Requested = Field(description="the requested State, e.g. {state: JP}")
    date: datetime.date = Field(description="the date of the request, YYYY-MM-DD")
    legal_basis: str | None = None
    proceedings: Proceedings = Field(default_factory=Proceedings)
    offence: Offence = Field(description="the offence: qualification, maximum_penalty, facts")
    purpose: str | None = None
    measures: list[Measure] = Field(
        min_length=1, description="a list of measures sought, each with an id"
    )
    persons: list[Person] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    urgency: Urgency = Field(default_factory=Urgency)
    confidentiality: Confidentiality = Field(default_factory=Confidentiality)
    language: str | None = None
    formalities: list[str] = Field(default_factory=list)
    assurances: Assurances = Field(default_factory=Assurances)
    confirmations: list[str] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _strict_date(cls, value: object) -> object:
        """Accept only a real calendar date written YYYY-MM-DD."""
        if isinstance(value, str):
            return datetime.date.fromisoformat(value)
        return value

    @classmethod
    def from_yaml(cls, text: str, origin: str = "request description") -> RequestDescription:
        """Read a description from YAML text.

        :raises RequestDescriptionError: on YAML that does not parse or does not match.
        """
        try:
            document = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: safe
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or "not well-formed"
            raise RequestDescriptionError(
                "", f"{origin}: not valid YAML{where}: {problem}"
            ) from None
        return cls.from_mapping(document)

    @classmethod
    def from_file(cls, path: str | Path) -> RequestDescription:
        """Read a description from a YAML file.

        :raises RequestDescriptionError: if the file cannot be read, parsed or matched.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            cause = getattr(error, "strerror", None) or str(error)
            raise RequestDescriptionError("", f"cannot read {path}: {cause}") from None
        return cls.from_yaml(text, origin=str(path))

    @classmethod
    def from_mapping(cls, document: Any) -> RequestDescription:
        """Validate a parsed description (a mapping).

        :raises RequestDescriptionError: naming the first key that does not match.
        """
        if not isinstance(document, dict):
            raise RequestDescriptionError(
                "", "request description: expected a mapping of keys (requesting, requested, ...)"
            )
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            raise _first_error(error) from None

    def measure(self, measure_id: str) -> Measure | None:
        """Return the measure of that id, if sought."""
        return next((m for m in self.measures if m.id == measure_id), None)

    @property
    def measure_ids(self) -> list[str]:
        """Return the ids of the measures sought, in order."""
        return [m.id for m in self.measures]


def _first_error(error: ValidationError) -> RequestDescriptionError:
    """Turn pydantic's first error into one line a drafter can act on."""
    detail = error.errors()[0]
    key = ".".join(str(part) for part in detail["loc"]) or "(top level)"
    kind = detail["type"]
    if kind == "missing":
        return RequestDescriptionError(key, f"missing (expected {_expected(key)})")
    if kind == "extra_forbidden":
        return RequestDescriptionError(key, "unknown key (see docs/drafting.md for the keys)")
    if key == "date" or key.endswith(("deadline", "date_of_birth")):
        return RequestDescriptionError(
            key, f"{detail.get('input')!r} is not a date (expected YYYY-MM-DD, e.g. 2025-03-01)"
        )
    if kind == "string_pattern_mismatch":
        return RequestDescriptionError(
            key,
            f"{detail.get('input')!r} is not a State code (expected two capital letters, e.g. JP)",
        )
    return RequestDescriptionError(key, f"{_short(detail['msg'])} (got {detail.get('input')!r})")


def _expected(key: str) -> str:
    """Return what a missing key should hold, from the field's description."""
    model: type[BaseModel] = RequestDescription
    field = None
    for part in key.split("."):
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return "a value"
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            args = getattr(annotation, "__args__", ())
            nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if nested:
                model = nested[0]
    if field is not None and field.description:
        return field.description
    return "a value"


def _short(message: str) -> str:
    """Return pydantic's message in lower case, as one clause."""
    return message[0].lower() + message[1:] if message else message


__all__ = ["RequestDescription", "RequestDescriptionError"]
