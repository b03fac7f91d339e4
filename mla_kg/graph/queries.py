"""Named SPARQL queries (``queries/<name>.rq``) and the safe binding of their parameters.

A query file starts with a header of ``#+ key: value`` comment lines::

    #+ summary: Subdivisions per instrument and verification status
    #+ description: Longer text (optional; may repeat, lines are joined).
    #+ params: instrument (instrument, optional) - restrict to one instrument
    #+ params: features (list of features) - the features to compare
    #+ params: instruments (list of instruments, default eu-jp-mla eu-us-mla) - the instruments
    #+ tags: [statistics]
    #+ example: instrument=eu-jp-mla

Parameter types: ``IRI``, ``instrument`` (an instrument id such as ``eu-jp-mla``, or its IRI),
``feature`` (a feature id or IRI), ``state`` (an ISO 3166-1 alpha-2 code or IRI), ``string``,
``date`` (YYYY-MM-DD), ``integer``, ``boolean``, and ``list of <type>`` of any of them. A
parameter is required unless its type says ``optional`` or gives a ``default`` (values separated
by spaces, used when the parameter is not given). Each parameter is the query variable
of the same name. Single values are bound by the engine (pyoxigraph substitutions, rdflib
``initBindings``); lists by one trailing ``VALUES`` clause rendered by :func:`render_values`
from validated terms, so the query must project every list variable. Quality checks in
``queries/checks/`` also carry ``# Problem:`` and ``# Solution:`` lines.

>>> query = get("count_subdivisions_by_status")
>>> query.summary
'Subdivisions of each instrument counted by verification status'
>>> [(p.name, p.type, p.required) for p in query.params]
[('instrument', 'instrument', False)]
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from mla_kg.errors import InvalidParameter, MissingParameter, QueryError, UnknownQuery
from mla_kg.paths import CHECKS_DIR, QUERIES_DIR

#: Parameter types a query header may declare (plural forms are accepted after "list of").
PARAMETER_TYPES = ("IRI", "instrument", "feature", "state", "string", "date", "integer", "boolean")
_PLURALS = {f"{name}s": name for name in PARAMETER_TYPES} | {"IRIs": "IRI"}
_TYPE_BY_LOWER = {name.lower(): name for name in PARAMETER_TYPES} | {
    plural.lower(): name for plural, name in _PLURALS.items()
}

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# An absolute IRI: a scheme, then no character that IRIREF in SPARQL and Turtle forbids.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*\Z")
_LANGUAGE = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*\Z")
_PARAM_ENTRY = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[^)]*)\)\s*"
    r"(?:-\s*(?P<meaning>.*?))?\s*(?=,\s*[A-Za-z_][A-Za-z0-9_]*\s*\(|\Z)"
)


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query, as declared in its ``#+ params:`` header."""

    name: str
    type: str
    is_list: bool = False
    required: bool = True
    meaning: str = ""
    #: values used when the parameter is not given (one for a single value), as written
    default: tuple[str, ...] = ()

    @property
    def type_label(self) -> str:
        """Return the declared type as a person reads it, e.g. ``list of instrument``."""
        return f"list of {self.type}" if self.is_list else self.type


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query file with its header."""

    name: str
    path: Path
    summary: str
    text: str
    description: str = ""
    params: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    examples: tuple[Mapping[str, str], ...] = ()
    problem: str = ""
    solution: str = ""
    header: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_path(cls, path: str | Path) -> NamedQuery:
        """Read a query file and its header.

        :param path: a ``.rq`` file.
        :returns: the query, named by the file stem.
        :raises QueryError: if the file cannot be read or its header is malformed.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise QueryError(f"cannot read {path}: {error.strerror or error}") from error
        return cls.from_text(text, name=path.stem, path=path)

    @classmethod
    def from_text(cls, text: str, name: str, path: Path | None = None) -> NamedQuery:
        """Build a query from its text, reading the header comment lines."""
        fields: dict[str, list[str]] = {}
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("#+"):
                key, sep, value = line[2:].partition(":")
                if not sep:
                    raise QueryError(f"header line {line!r} has no ':'", name)
                fields.setdefault(key.strip().lower(), []).append(value.strip())
            elif line.startswith("#"):
                key, sep, value = line[1:].partition(":")
                if sep and key.strip().lower() in ("problem", "solution"):
                    fields.setdefault(key.strip().lower(), []).append(value.strip())
        params = tuple(
            param for value in fields.get("params", []) for param in _parse_params(value, name)
        )
        names = [param.name for param in params]
        if len(set(names)) != len(names):
            raise QueryError(f"a parameter is declared twice in {names}", name)
        return cls(
            name=name,
            path=path if path is not None else Path(f"{name}.rq"),
            summary=" ".join(fields.get("summary", [])),
            text=text,
            description=" ".join(fields.get("description", [])),
            params=params,
            tags=tuple(
                tag for value in fields.get("tags", []) for tag in _parse_list(value) if tag
            ),
            examples=tuple(_parse_example(value, name) for value in fields.get("example", [])),
            problem=" ".join(fields.get("problem", [])),
            solution=" ".join(fields.get("solution", [])),
            header={key: "\n".join(values) for key, values in fields.items()},
        )

    def param(self, name: str) -> Parameter:
        """Return the declared parameter ``name``.

        :raises QueryError: if the query has no such parameter.
        """
        for param in self.params:
            if param.name == name:
                return param
        declared = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"no parameter {name!r}; its parameters: {declared}", self.name)


def _parse_list(value: str) -> list[str]:
    """Split ``[a, b]`` or ``a, b`` into its items."""
    return [item.strip() for item in value.strip().strip("[]").split(",")]


def _parse_params(value: str, query: str) -> list[Parameter]:
    """Parse one ``#+ params:`` value into its parameters."""
    value = value.strip()
    if not value or value.lower() in ("none", "-"):
        return []
    entries = list(_PARAM_ENTRY.finditer(value))
    position = 0
    for entry in [*entries, None]:
        gap = value[position : entry.start() if entry else len(value)]
        if gap.strip(" ,") or not entries:
            raise QueryError(
                f"cannot read params {value!r}; write 'name (type) - meaning, ...'", query
            )
        position = entry.end() if entry else position
    params = []
    for entry in entries:
        spec = [part.strip() for part in entry.group("type").split(",")]
        defaults = [flag.split()[1:] for flag in spec[1:] if flag.lower().startswith("default ")]
        flags = {flag.lower() for flag in spec[1:] if not flag.lower().startswith("default ")}
        if flags - {"optional", "required"} or len(defaults) > 1:
            raise QueryError(f"unknown flag in ({entry.group('type')})", query)
        type_text = spec[0]
        is_list = type_text.lower().startswith("list of ")
        if is_list:
            type_text = type_text[len("list of ") :].strip()
        type_name = _TYPE_BY_LOWER.get(type_text.lower())
        if type_name is None:
            raise QueryError(
                f"parameter {entry.group('name')!r} has unknown type {type_text!r}; "
                f"use one of {', '.join(PARAMETER_TYPES)} (or 'list of' one of them)",
                query,
            )
        default = tuple(defaults[0]) if defaults else ()
        if default and not is_list and len(default) != 1:
            raise QueryError(f"parameter {entry.group('name')!r} takes one default value", query)
        params.append(
            Parameter(
                name=entry.group("name"),
                type=type_name,
                is_list=is_list,
                required="optional" not in flags and not default,
                meaning=(entry.group("meaning") or "").strip(),
                default=default,
            )
        )
    return params


def _parse_example(value: str, query: str) -> dict[str, str]:
    """Parse ``#+ example: a=1; b=x,y`` into a mapping of parameter values as text."""
    example = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        key, sep, text = part.partition("=")
        if not sep:
            raise QueryError(f"example {value!r}: write name=value; name=value", query)
        example[key.strip()] = text.strip()
    return example


@cache
def _load(directory: Path, mtimes: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    """Read every ``*.rq`` of ``directory``; cached until a file changes."""
    return {Path(name).stem: NamedQuery.from_path(directory / name) for name, _ in mtimes}


def load_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Return the named queries of a folder (not its subfolders), by name.

    :param directory: the folder; by default the bundled ``queries/``.
    """
    files = sorted(directory.glob("*.rq"))
    return dict(_load(directory, tuple((path.name, path.stat().st_mtime) for path in files)))


def load_checks(directory: Path = CHECKS_DIR) -> list[NamedQuery]:
    """Return the QC checks (``queries/checks/*-violation.rq``): any row is a violation."""
    return [query for name, query in load_queries(directory).items() if name.endswith("-violation")]


def get(name: str) -> NamedQuery:
    """Return the named query ``name``.

    :raises UnknownQuery: listing the known names.
    """
    queries = load_queries()
    try:
        return queries[name]
    except KeyError:
        raise UnknownQuery(name, queries) from None


class Resolver(Protocol):
    """What binding needs from a graph to turn ids into IRIs."""

    def instrument_iri(self, instrument_id: str) -> URIRef:
        """Return the IRI of an instrument id (raise UnknownInstrument)."""

    def feature_iri(self, feature_id: str) -> URIRef:
        """Return the IRI of a feature id (raise UnknownFeature)."""

    def state_iri(self, code: str) -> URIRef:
        """Return the IRI of a State code (raise UnknownState)."""


def check_iri(value: object, parameter: str = "value", query: str | None = None) -> URIRef:
    """Return ``value`` as an IRI after checking it is absolute and has no forbidden character.

    >>> check_iri("https://w3id.org/mla-kg/id/instrument/eu-jp-mla")
    rdflib.term.URIRef('https://w3id.org/mla-kg/id/instrument/eu-jp-mla')
    >>> check_iri('x> } ; DROP ALL #', "resource")
    Traceback (most recent call last):
    ...
    mla_kg.errors.InvalidParameter: parameter 'resource' must be an absolute IRI, not 'x> } ...'
    """
    if isinstance(value, str) and _IRI.match(value):
        return URIRef(value)
    raise InvalidParameter(parameter, value, "an absolute IRI", query)


def _single(param: Parameter, value: object, resolver: Resolver, query: str) -> Node:
    """Convert one parameter value to the rdflib term its declared type asks for."""
    if isinstance(value, URIRef) and param.type in ("IRI", "instrument", "feature", "state"):
        value = str(value)
    if param.type == "IRI":
        return check_iri(value, param.name, query)
    if param.type in ("instrument", "feature", "state"):
        if not isinstance(value, str):
            raise InvalidParameter(param.name, value, f"an {param.type} id", query)
        resolve = {
            "instrument": resolver.instrument_iri,
            "feature": resolver.feature_iri,
            "state": resolver.state_iri,
        }[param.type]
        return resolve(value)
    if param.type == "string":
        if isinstance(value, Literal) and value.datatype in (None, XSD.string):
            value = str(value)
        if not isinstance(value, str):
            raise InvalidParameter(param.name, value, "a string", query)
        return Literal(value)
    if param.type == "date":
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                raise InvalidParameter(param.name, value, "a date YYYY-MM-DD", query) from None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise InvalidParameter(param.name, value, "a date YYYY-MM-DD", query)
        return Literal(value.isoformat(), datatype=XSD.date)
    if param.type == "integer":
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidParameter(param.name, value, "an integer", query)
        return Literal(str(value), datatype=XSD.integer)
    # The only type left is boolean.
    if isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if not isinstance(value, bool):
        raise InvalidParameter(param.name, value, "true or false", query)
    return Literal("true" if value else "false", datatype=XSD.boolean)


def bind_parameters(
    query: NamedQuery, params: Mapping[str, object], resolver: Resolver
) -> dict[str, Node | list[Node]]:
    """Turn user-given parameter values into rdflib terms, typed by the query header.

    A list parameter takes a list or tuple, or a string of comma-separated items.

    :param query: the query whose header declares the parameters.
    :param params: values by parameter name; ``None`` counts as not given, and a parameter not
        given takes the default its header declares, if any.
    :param resolver: the graph that resolves instrument, feature and State ids.
    :returns: terms (or lists of terms) by variable name.
    :raises MissingParameter: if a required parameter is not given.
    :raises QueryError: if a parameter is not declared, or a value has the wrong type.
    """
    for name in params:
        query.param(name)
    bound: dict[str, Node | list[Node]] = {}
    for param in query.params:
        value = params.get(param.name)
        if param.is_list and isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        if (value is None or (param.is_list and not value)) and param.default:
            value = list(param.default) if param.is_list else param.default[0]
        if value is None or (param.is_list and not value):
            if param.required:
                raise MissingParameter(query.name, param.name, param.meaning)
            continue
        if param.is_list:
            if not isinstance(value, (list, tuple)):
                raise InvalidParameter(param.name, value, f"a {param.type_label}", query.name)
            bound[param.name] = [_single(param, item, resolver, query.name) for item in value]
        else:
            bound[param.name] = _single(param, value, resolver, query.name)
    return bound


def check_variable(name: str) -> str:
    """Return ``name`` if it is a plain SPARQL variable name.

    :raises QueryError: if it is not.
    """
    if not _VARIABLE.match(name):
        raise QueryError(f"{name!r} is not a variable name (letters, digits, '_')")
    return name


def render_term(term: Node) -> str:
    r"""Render an rdflib IRI or literal as SPARQL text, after checking every part of it.

    >>> print(render_term(Literal('say "hi" } DROP ALL')))
    "say \"hi\" } DROP ALL"
    """
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if term.language:
            if not _LANGUAGE.match(term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{check_iri(str(term.datatype))}>'
        return f'"{text}"'
    raise QueryError(f"only IRIs and literals can be bound, not {term!r}")


def render_values(columns: Mapping[str, Sequence[Node]]) -> str:
    r"""Render a trailing ``VALUES`` clause: the one place list values become query text.

    Several lists give their cross product, since SPARQL allows one trailing ``VALUES``.

    >>> eu_jp = URIRef("https://w3id.org/mla-kg/id/instrument/eu-jp-mla")
    >>> print(render_values({"instrument": [eu_jp]}))
    <BLANKLINE>
    VALUES (?instrument) {
      (<https://w3id.org/mla-kg/id/instrument/eu-jp-mla>)
    }
    <BLANKLINE>
    """
    names = [check_variable(name) for name in columns]
    rows = itertools.product(*([render_term(term) for term in columns[n]] for n in names))
    body = "\n".join(f"  ({' '.join(row)})" for row in rows)
    head = " ".join(f"?{name}" for name in names)
    return f"\nVALUES ({head}) {{\n{body}\n}}\n"


def split_bindings(
    bindings: Mapping[str, Node | str | Iterable[Node]] | None,
) -> tuple[dict[str, Node], dict[str, list[Node]]]:
    """Split bindings into single terms (engine-bound) and lists (rendered as ``VALUES``).

    A plain ``str`` is bound as a string literal; pass a ``URIRef`` for an IRI.
    """
    single: dict[str, Node] = {}
    lists: dict[str, list[Node]] = {}
    for name, value in (bindings or {}).items():
        check_variable(name)
        if isinstance(value, str) and not isinstance(value, Node):
            single[name] = Literal(value)
        elif isinstance(value, (URIRef, Literal)):
            single[name] = value
        elif isinstance(value, (list, tuple)):
            lists[name] = list(value)
        else:
            raise QueryError(f"cannot bind ?{name} to {value!r}; give an IRI, literal or list")
    return single, lists
