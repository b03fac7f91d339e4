"""The schema of ``research/*.yaml``: what the generator accepts, as pydantic models.

The models say which keys a section may have and what kind of value each holds; mappings are
closed (``extra="forbid"``), as the generator refuses a key nobody maps. Three rules span the
whole sheet and need the sheet itself (:func:`check_sheet` passes it as validation context):

- every ``status`` / ``*_status`` key holds ``official``, ``scholarly`` or ``recalled``;
- every ``source`` / ``*_source`` key names sources of the sheet's ``sources`` section
  (a list, or keys separated by ``;`` or ``,``);
- every feature id is in ``features.yaml`` (``features`` may also name the sheet's
  ``new_features``; a ``new_features`` list on a provision names only those).

Sections the generator renders as readable notes (negotiation history, identifiers, the Japan
section, ...) accept any keys, under the three rules. :func:`problems` returns one line per
problem: file, key and what was expected.

>>> problems("x.yaml", {"id": "x", "sources": {}, "kind": "novel"}, {"a-feature"})[0]
"x.yaml: kind: expected 'bilateral-treaty', ..."
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .vocabulary import KIND_CLASSES, STATUSES

#: The files of research/ that are not instrument fact sheets.
FEATURES_FILE = "features.yaml"
CURATION_FILE = "curation.yaml"
MEMBERSHIP_FILE = "membership.yaml"

Status = Literal["official", "scholarly", "recalled"]
Scalar = str | int | float | bool | dt.date
SourceKeys = str | list[str]
Kind = Literal[tuple(KIND_CLASSES)]  # type: ignore[valid-type]
#: A BCP 47 language tag, as the generator checks it.
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")]


class Record(BaseModel):
    """A closed mapping: a key the models do not name is an error, as in the generator."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _features(info: ValidationInfo) -> set[str] | None:
    context = info.context or {}
    return context.get("features")


def _check_ids(ids: list[str] | None, allowed: set[str] | None, what: str) -> list[str] | None:
    if ids is not None and allowed is not None:
        unknown = [fid for fid in ids if fid not in allowed]
        if unknown:
            raise ValueError(f"feature {unknown[0]!r} is not in {what}")
    return ids


class FeatureLinks(Record):
    """Features a provision carries (``features``), may carry, or proposes."""

    features: list[str] | None = None
    candidate_features: list[str] | None = None
    features_uncertain: list[str] | None = None
    new_features: list[str] | None = None

    @field_validator("features")
    @classmethod
    def _known_or_new(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        context = info.context or {}
        scheme = context.get("features")
        allowed = None if scheme is None else scheme | context.get("new_features", set())
        return _check_ids(value, allowed, "features.yaml nor in new_features")

    @field_validator("candidate_features", "features_uncertain")
    @classmethod
    def _known(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        return _check_ids(value, _features(info), "features.yaml")

    @field_validator("new_features")
    @classmethod
    def _declared(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        declared = (info.context or {}).get("new_features")
        return _check_ids(value, declared, "the sheet's new_features")


class Provenance(Record):
    """Status, sources, pinpoint and notes of a fact (``status`` required)."""

    status: Status
    source: SourceKeys | None = None
    pinpoint: Scalar | None = None
    notes: str | None = None
    note: str | None = None
    corroboration: str | None = None
    content_support: str | None = None
    detail_status: Status | None = None
    detail_source: SourceKeys | None = None


class Headings(Record):
    """Headings as printed, per language, each with an optional status of its own."""

    heading: str | None = None
    heading_status: Status | None = None
    heading_en_status: Status | None = None
    heading_nl: str | None = None
    heading_nl_status: Status | None = None
    heading_fr: str | None = None
    heading_fr_status: Status | None = None
    heading_source: SourceKeys | None = None
    heading_note: str | None = None
    heading_notes: str | None = None


class PointDetail(Provenance, FeatureLinks):
    """A point (``a``, ``b``, ..., ``i``, ``ii``) described with its own status."""

    point: str | int
    summary: str | None = None


class Sentence(Record):
    """One sentence of a paragraph, summarised (kept as a note)."""

    n: Scalar
    summary: str
    status: Status
    source: SourceKeys | None = None


class Paragraph(Provenance, FeatureLinks):
    """A paragraph: numbered, unnumbered, or of unknown number."""

    number: Scalar | None = None
    unnumbered: bool | None = None
    summary: str | None = None
    points: list[Scalar] | None = None
    points_detail: list[PointDetail] | None = None
    point_features: dict[str, list[str]] | None = None
    sentences: list[Sentence] | None = None

    @field_validator("point_features")
    @classmethod
    def _point_features(
        cls, value: dict[str, list[str]] | None, info: ValidationInfo
    ) -> dict[str, list[str]] | None:
        for ids in (value or {}).values():
            _check_ids(ids, _features(info), "features.yaml")
        return value


class Article(Provenance, Headings):
    """An article with its headings and paragraphs."""

    number: Scalar
    subject: str | None = None
    number_confidence: str | None = None
    paragraphs: list[Paragraph] | None = None


class AnnexEntry(Record):
    """One entry of an annex (a State's authority, a declaration, a bilateral instrument)."""

    status: Status | None = None
    source: SourceKeys | None = None
    pinpoint: Scalar | None = None
    notes: str | None = None
    note: str | None = None
    state: str | list[str] | None = None
    authority: str | None = None
    summary: str | None = None
    effect: str | None = None
    limitation: str | None = None
    article: Scalar | None = None
    provision: Scalar | None = None
    signed: Scalar | None = None
    place: str | None = None
    treaty_doc: Scalar | None = None


class AnnexVersion(Record):
    """One version of an annex (original, replacement, proposal) with its entries."""

    version: str
    status: Status | None = None
    source: SourceKeys | None = None
    notes: str | None = None
    entries: list[AnnexEntry] | None = None


class Annex(Provenance, Headings):
    """An annex: entries given once, or per version."""

    number: Scalar
    description: str | None = None
    entries: list[AnnexEntry] | None = None
    versions: list[AnnexVersion] | None = None


class Unplaced(Provenance, FeatureLinks):
    """A provision whose article the research has not placed."""

    provision: str | None = None
    summary: str | None = None
    topic: str | None = None
    probable_article: Scalar | None = None


class Attestation(Provenance):
    """A present or absent feature of the instrument."""

    feature: str

    @field_validator("feature")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        scheme = context.get("features")
        if scheme is not None and value not in scheme | context.get("new_features", set()):
            raise ValueError(f"feature {value!r} is not in features.yaml nor in new_features")
        return value


class Claim(Record):
    """A commentary claim with its pinpoint (scholarly unless said otherwise)."""

    claim: str
    status: Status | None = None
    source: SourceKeys | None = None
    pinpoint: Scalar | None = None
    note: str | None = None
    notes: str | None = None
    assessment: str | None = None
    check: str | None = None
    check_status: Status | None = None


class NewFeature(Record):
    """A comparison dimension the sheet proposes (not yet in features.yaml)."""

    id: str
    label: str
    group: str | None = None
    marks: str | None = None
    polarity: str | None = None
    rationale: str | None = None
    example: str | None = None
    where: str | list[str] | None = None


class Signature(Record):
    """A signature (or a signing step without a date, kept as a note)."""

    by: str | list[str] | None = None
    date: Scalar | None = None
    place: str | None = None
    signatory: str | None = None
    status: Status | None = None
    source: SourceKeys | None = None
    notes: str | None = None
    pinpoint: Scalar | None = None


class CentralAuthority(Record):
    """A central authority a party designates."""

    authority: str
    state: str | None = None
    party: str | None = None
    functions: str | None = None
    status: Status | None = None
    source: SourceKeys | None = None
    notes: str | None = None
    pinpoint: Scalar | None = None


class DerivedFrom(Record):
    """The copy of an official record that was actually read."""

    repository: str
    commit: str
    path: str


class Source(Record):
    """A source the sheet cites, under its key."""

    url: str | None = None
    what: str | None = None
    short_name: str | None = Field(None, min_length=1, max_length=60)
    reliability: str | None = None
    seen_via: str | None = None
    derived_from: DerivedFrom | None = None


class TextDifference(Record):
    """A difference `mla-kg verify` reports that the research has examined and explains."""

    citation: str
    kind: Literal["missing-in-graph", "missing-in-text", "heading-differs", "structure-differs"]
    why: str = Field(min_length=20)
    status: Status
    source: SourceKeys
    pinpoint: Scalar | None = None


#: Sections rendered as notes: any keys, under the sheet-wide rules.
Facts = Any


class Sheet(Record):
    """An instrument fact sheet, ``research/<instrument-id>.yaml``."""

    id: str
    sources: dict[str, Source]
    kind: Kind | None = None
    title: str | None = None
    title_ja: str | None = None
    title_status: Status | None = None
    title_source: SourceKeys | None = None
    title_variants: Facts = None
    short_title: str | None = None
    short_title_status: Status | None = None
    short_title_source: SourceKeys | None = None
    parties: list[str] | None = None
    parties_note: Facts = None
    signed: list[Signature] | None = None
    articles: list[Article] | None = None
    annexes: list[Annex] | None = None
    provisions_unplaced: list[Unplaced] | None = None
    present_features: list[Attestation] | None = None
    absent_features: list[Attestation] | None = None
    commentary_claims: list[Claim] | None = None
    new_features: list[NewFeature] | None = None
    central_authorities: list[CentralAuthority] | None = None
    open_questions: list[Facts] | None = None
    text_differences: list[TextDifference] | None = None
    # Rendered as notes or participation facts (the generator reads them key by key).
    adopted: Facts = None
    application_to_states: Facts = None
    # Tags, or a description kept as a note ('all 24 official EU languages').
    authentic_languages: list[LanguageTag] | str | None = None
    authentic_languages_note: Facts = None
    authentic_languages_source: SourceKeys | None = None
    authentic_languages_status: Status | None = None
    channels: Facts = None
    clause_check: Facts = None
    council_decisions: Facts = None
    entry_into_force: Facts = None
    explanatory_note: Facts = None
    firsts: Facts = None
    identifiers: Facts = None
    japan: Facts = None
    japan_domestic: Facts = None
    legal_basis_eu: Facts = None
    legal_capacity_note: Facts = None
    negotiation_history: Facts = None
    preamble: Facts = None
    publication: Facts = None
    ratification: Facts = None
    related_instruments: Facts = None
    self_executing: Facts = None
    structure: Facts = None
    transposition_deadline: Facts = None


class MembershipSheet(Record):
    """``membership.yaml``: EU membership, special positions, Japan's domestic basis."""

    id: Literal["membership"]
    title: str | None = None
    sources: dict[str, Source]
    eu_japan_agreement_context: Facts = None
    member_states: list[Facts] | None = None
    former_member_states: list[Facts] | None = None
    special_positions: Facts = None
    japan_domestic_basis: Facts = None
    commentary_claims: list[Claim] | None = None
    new_features: list[NewFeature] | None = None
    open_questions: list[Facts] | None = None


class Feature(Record):
    """A comparison dimension of ``features.yaml``."""

    label: str
    marks: str | None = None
    polarity: Literal["+", "-"] | None = None


class FeatureScheme(Record):
    """``features.yaml``: groups of features, by id."""

    groups: dict[str, dict[str, Feature]]


class Curation(Record):
    """One instrument's entry of ``curation.yaml`` (decisions the generator cannot derive)."""

    points: dict[str, Facts] | None = None
    official_text: Facts = None
    annex_entries: dict[str, Facts] | None = None
    annex_citations: dict[str, str] | None = None
    annex_notes: dict[str, str] | None = None
    authorities: dict[str, Facts] | None = None
    claims: dict[int, Facts] | None = None
    source_classes: dict[str, Facts] | None = None
    identifier_sources: dict[str, Facts] | None = None
    participation: Facts = None


# -- the sheet-wide rules ------------------------------------------------------------------------

_STATUS_KEY = re.compile(r"^(.+_)?status$")
_SOURCE_KEY = re.compile(r"^(.+_)?source$")


def _source_keys(value: Any) -> list[str]:
    parts = value if isinstance(value, list) else [value]
    return [k.strip() for p in parts for k in re.split(r"[;,]", str(p)) if k.strip()]


def _walk(value: Any, path: str, sources: set[str], out: list[str]) -> None:
    """Apply the status and source rules to every key below ``value``."""
    if isinstance(value, list):
        for index, element in enumerate(value):
            _walk(element, f"{path}[{index}]", sources, out)
        return
    if not isinstance(value, dict):
        return
    for key, element in value.items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _STATUS_KEY.match(key) and element is not None:
            if element not in STATUSES:
                out.append(f"{where}: expected one of {sorted(STATUSES)}, found {element!r}")
        elif isinstance(key, str) and _SOURCE_KEY.match(key) and element is not None:
            unknown = [k for k in _source_keys(element) if k not in sources]
            if unknown:
                out.append(f"{where}: unknown source key {unknown[0]!r}; add it to sources")
        else:
            _walk(element, where, sources, out)


def _format(error: ValidationError) -> list[str]:
    """Return one 'key: expected ...' line per pydantic error."""
    out = []
    for item in error.errors():
        where = ""
        for part in item["loc"]:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else part)
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "key not handled by the generator (unknown key)"
        elif item["type"] == "missing":
            message = "required key is missing"
        elif item["type"] == "literal_error":
            message = "expected " + message.removeprefix("Input should be ")
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        else:
            message = f"expected: {message.removeprefix('Input should be ')}"
        out.append(f"{where or '(top)'}: {message}")
    return out


def problems(file: str, data: Any, features: set[str] | None) -> list[str]:
    """Return every problem of one research file as 'file: key: expected ...' lines.

    :param file: the file's name (``eu-us-mla.yaml``), which says which model applies.
    :param data: the parsed YAML.
    :param features: the feature ids of features.yaml (None: feature ids are not checked).
    """
    if not isinstance(data, dict):
        return [f"{file}: (top): expected a mapping, found {type(data).__name__}"]
    found: list[str] = []
    context: dict[str, Any] = {}
    if file == FEATURES_FILE:
        model: type[BaseModel] = FeatureScheme
    elif file == CURATION_FILE:
        for key, entry in data.items():
            try:
                Curation.model_validate(entry or {})
            except ValidationError as error:
                found += [f"{key}.{line}" for line in _format(error)]
        return [f"{file}: {line}" for line in found]
    else:
        model = MembershipSheet if file == MEMBERSHIP_FILE else Sheet
        declared = {
            str(nf.get("id")) for nf in data.get("new_features") or [] if isinstance(nf, dict)
        }
        sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
        rest = {k: v for k, v in data.items() if k != "sources"}
        _walk(rest, "", set(sources), found)
        if file != MEMBERSHIP_FILE and data.get("id") != Path(file).stem:
            found.append(
                f"id: expected {Path(file).stem!r} (the file name), found {data.get('id')!r}"
            )
        context = {"features": features, "new_features": declared}
    try:
        model.model_validate(data, context=context)
    except ValidationError as error:
        reported = {line.split(": ", 1)[0] for line in found}  # a key once, by the first rule
        found += [line for line in _format(error) if line.split(": ", 1)[0] not in reported]
    return [f"{file}: {line}" for line in found]


def check_research(research_dir: Path) -> list[str]:
    """Return every problem of every ``research/*.yaml`` file (empty: all conform)."""
    features_path = research_dir / FEATURES_FILE
    scheme = yaml.safe_load(features_path.read_text(encoding="utf-8"))
    groups = scheme.get("groups") if isinstance(scheme, dict) else None
    features = {fid for group in (groups or {}).values() for fid in group or {}}
    out = []
    for path in sorted(research_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += problems(path.name, data, features)
    return out
