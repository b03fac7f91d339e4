"""Validation of the graph: SHACL shapes (pyshacl) plus the QC checks of ``queries/checks``.

The data graph is the ontology, the feature scheme and the bundled data, plus any files of
your own (so their references to bundled instruments, States and sources resolve). The shapes
are ``ontology/shapes.ttl``; pyshacl runs with no inference and SHACL-AF (SPARQL constraints)
enabled. Every ``queries/checks/*-violation.rq`` runs too: each row it returns is a violation,
named by the check's summary. Results of severity ``Warning`` or ``Info`` are reported but do
not make the graph non-conforming.

>>> report = validate()
>>> report.conforms, len(report.violations)
(True, 0)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from mla_kg import paths
from mla_kg.errors import QueryError, ShapeViolation
from mla_kg.graph import queries
from mla_kg.graph.embedded import open_engine
from mla_kg.graph.files import read_graph
from mla_kg.graph.store import GraphStore, Store

SEVERITIES = ("Violation", "Warning", "Info")
_PACKAGES = ("mla-kg", "pyshacl", "rdflib", "pyoxigraph")


@dataclass(frozen=True)
class ValidationResult:
    """One problem found in the graph.

    :ivar focus: the node at fault (an IRI, or ``_:id`` for a blank node).
    :ivar path: the property (or SPARQL property path) at fault, where known.
    :ivar value: the offending value, where there is one.
    :ivar message: what is wrong and what to do.
    :ivar severity: ``Violation``, ``Warning`` or ``Info``.
    :ivar source: the shape (IRI) or ``check:<name>`` that found it.
    :ivar constraint: the SHACL constraint component (e.g. ``MinCount``), or ``check``.
    """

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    source: str
    constraint: str


@dataclass
class ValidationReport:
    """All results of one validation run."""

    results: list[ValidationResult] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: True when the results were read from the cache (see :func:`cache_key`).
    from_cache: bool = False

    @property
    def violations(self) -> list[ValidationResult]:
        """Return the results of severity ``Violation``."""
        return [result for result in self.results if result.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        """Return whether there is no violation (warnings and infos allowed)."""
        return not self.violations

    def to_dict(self) -> dict[str, object]:
        """Return the report as plain data, for JSON."""
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "files": self.files,
            "results": [asdict(result) for result in self.results],
        }

    def raise_for_violations(self) -> None:
        """Raise :class:`~mla_kg.errors.ShapeViolation` if there is any violation."""
        if not self.conforms:
            raise ShapeViolation(self)


def _text(term: Node | None) -> str | None:
    """Render a term for a report: IRIs and literals as their text, blank nodes as ``_:id``."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def shacl_path(shapes: Graph, path: Node) -> str:
    """Render a SHACL property path in SPARQL property-path syntax.

    A plain property is its IRI; complex paths use ``<IRI>`` in SPARQL syntax.
    """
    if isinstance(path, URIRef):
        return str(path)

    def part(node: Node) -> str:
        text = shacl_path(shapes, node)
        return f"<{text}>" if isinstance(node, URIRef) else f"({text})"

    if (path, SH.inversePath, None) in shapes:
        return "^" + part(shapes.value(path, SH.inversePath))
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return part(inner) + suffix
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(part(node) for node in Collection(shapes, alternatives))
    if (path, None, None) in shapes:  # an RDF list: a sequence path
        return "/".join(part(node) for node in Collection(shapes, path))
    return _text(path) or ""


@contextmanager
def _nonempty_oxigraph_data() -> Iterator[None]:
    """Let pyshacl test its pyoxigraph data graph for emptiness without counting it.

    pyshacl 0.40 writes ``datagraph or shapes_graph`` for every result it builds, including
    the many that ``sh:or`` and qualified shapes discard; on a pyoxigraph store that truth test
    is a full ``COUNT`` query, which made validating the bundled data take minutes. The data
    graph always holds the ontology, so it is never empty; the patch is undone afterwards.
    """
    import pyshacl.graph_abstraction

    data_graph = getattr(pyshacl.graph_abstraction, "OxigraphDataGraph", None)
    if data_graph is None or "__bool__" in vars(data_graph):
        yield
        return
    data_graph.__bool__ = lambda self: True
    try:
        yield
    finally:
        del data_graph.__bool__


class _NoLexicalWarnings(logging.Filter):
    """Drop rdflib's log records (with tracebacks) for literals that are not of their datatype.

    A malformed ``"not a date"^^xsd:date`` is what the shapes report as a violation; rdflib
    logs a traceback each time it meets the literal, before the report says it properly.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's lexical-form warnings while validating (the report names the fault)."""
    logger = logging.getLogger("rdflib.term")
    quiet = _NoLexicalWarnings()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _shacl_results(data: Store, shapes: Graph) -> list[ValidationResult]:
    """Run pyshacl (on the shapes as :func:`_own_targets` prepares them); read its report."""
    # pySHACL loads only when a validation runs (a cached report needs none of it).
    import pyshacl

    # pyshacl evaluates SPARQL constraints on the engine it is given; on rdflib it re-parses
    # each constraint for every focus node (about 400 times slower than on pyoxigraph).
    with _nonempty_oxigraph_data(), _quiet_rdflib():
        _, report, _ = pyshacl.validate(
            data.store,
            shacl_graph=_own_targets(shapes),
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,  # the graph was loaded for this validation only
        )
    results = []
    for node in report.subjects(SH.resultSeverity, None):
        messages = sorted(report.objects(node, SH.resultMessage), key=_message_order)
        path = report.value(node, SH.resultPath)
        severity = report.value(node, SH.resultSeverity)
        component = report.value(node, SH.sourceConstraintComponent)
        source = report.value(node, SH.sourceShape)
        results.append(
            ValidationResult(
                focus=_text(report.value(node, SH.focusNode)) or "",
                # Paths of report nodes are copied with their list structure into the report.
                path=shacl_path(report, path) if path is not None else None,
                value=_text(report.value(node, SH.value)),
                message=str(messages[0]) if messages else "",
                severity=str(severity).rsplit("#", 1)[-1],
                source=_text(source) if isinstance(source, URIRef) else _anonymous(shapes, source),
                constraint=str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent"),
            )
        )
    return results


def _message_order(message: Node) -> tuple[int, str]:
    """Sort English (or untagged) messages first."""
    language = message.language if isinstance(message, Literal) else None
    return (0 if language in (None, "en") else 1, str(message))


def _anonymous(shapes: Graph, shape: Node | None) -> str:
    """Name an anonymous property shape by the named node shape that holds it."""
    for owner in shapes.subjects(SH.property, shape):
        if isinstance(owner, URIRef):
            return str(owner)
    return _text(shape) or ""


def _check_results(kg: GraphStore, checks: Sequence[queries.NamedQuery]) -> list[ValidationResult]:
    """Run every QC check; each row is a violation."""
    results = []
    for check in checks:
        try:
            answer = kg.query(check.text)
        except QueryError as error:
            raise QueryError(str(error), f"checks/{check.name}") from error
        message = check.summary + (f" Fix: {check.solution}" if check.solution else "")
        for row in answer.rows:
            focus = row.get("entity", row.get(answer.vars[0]) if answer.vars else None)
            results.append(
                ValidationResult(
                    focus=_text(focus) or "",
                    path=_text(row.get("property")),
                    value=_text(row.get("value")),
                    message=message,
                    severity="Violation",
                    source=f"check:{check.name}",
                    constraint="check",
                )
            )
    return results


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Where a shape is used inside another: such a shape is validated once per value node anyway.
_NESTING = (SH.node, SH.qualifiedValueShape, SH["not"], SH["or"], SH["and"], SH.xone)


def _nested_shapes(shapes: Graph) -> set[Node]:
    """Return the shapes used inside other shapes (``sh:node``, ``sh:or`` lists ...)."""
    nested: set[Node] = set()
    for predicate in _NESTING:
        for value in shapes.objects(None, predicate):
            if predicate in (SH["or"], SH["and"], SH.xone):
                nested.update(Collection(shapes, value))
            else:
                nested.add(value)
    return nested


@cache
def _own_targets(shapes: Graph) -> Graph:
    """Return a copy of the shapes in which each property shape carries its node shape's targets.

    pySHACL validates a node shape's ``sh:property`` shapes once per focus node (a call per
    provision and property shape: about 40,000 on the bundled data, each re-reading the shape's
    parameters), but a property shape with targets of its own once for all its focus nodes.
    Both mean the same in SHACL (a property shape reached through ``sh:property`` validates
    exactly the node shape's focus nodes), and the results name the same focus nodes, paths,
    values, messages, severities and source shapes. Left as they are: the property shapes of a
    node shape that is used inside another (``sh:node``, ``sh:or`` ...), has SPARQL-based or
    implicit class targets, or is deactivated, and a property shape with targets of its own.
    """
    prepared = Graph()
    prepared += shapes
    nested = _nested_shapes(shapes)
    targets: dict[Node, list[tuple[Node, Node]]] = {}
    for node_shape in set(shapes.subjects(SH.property, None)):
        own = [(p, o) for p in _TARGETS for o in shapes.objects(node_shape, p)]
        if own and not (
            node_shape in nested
            or (node_shape, SH.target, None) in shapes
            or (node_shape, SH.deactivated, None) in shapes
            or (node_shape, RDF.type, RDFS.Class) in shapes
            or (node_shape, RDF.type, OWL.Class) in shapes
        ):
            targets[node_shape] = own
    for property_shape in set(shapes.objects(None, SH.property)):
        owners = set(shapes.subjects(SH.property, property_shape))
        if (
            not owners <= targets.keys()
            or property_shape in nested
            or any((property_shape, p, None) in shapes for p in (*_TARGETS, SH.target))
        ):
            continue
        # Shared by several node shapes: their focus nodes together, each validated once
        # (nested, a node two of them target was validated twice, with the same results).
        for owner in owners:
            prepared.remove((owner, SH.property, property_shape))
            for predicate, value in targets[owner]:
                prepared.add((property_shape, predicate, value))
    return prepared


@cache
def _parsed_shapes(path: Path, mtime: float) -> Graph:
    """Parse the shapes file; cached until the file changes.

    Reuse is safe: pyshacl adds to a shapes graph only two fixed RDFS axioms (owl:Class and
    owl:DatatypeProperty as subclasses), the same on every run.
    """
    return read_graph(path)


def _shapes_graph(path: Path) -> Graph:
    """Return the shapes graph, parsed once per version of the file.

    :raises LoadError: if the file cannot be read or parsed.
    """
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return read_graph(path)  # raises LoadError naming the file
    return _parsed_shapes(path, mtime)


# Results kept in the user's cache folder (``validate(cache=True)``, ``mla-kg validate``), keyed
# by everything they depend on. A validation run's results depend only on the files validated (the
# ontology, the shapes, the bundled data when it is included, the user's files), the QC checks,
# the code reading pySHACL's report, and the versions of mla-kg, pySHACL, rdflib and pyoxigraph.
# The key is a SHA-256 over all of them (each file's name and bytes), so a changed byte anywhere,
# an added or removed file or a new release reads a new entry: a kept result is never stale.
# Entries are written to a temporary file and renamed into place, so concurrent runs never read
# half an entry; an unreadable or unwritable cache is ignored (the validation then simply runs).

_CACHE_KEEP = 32  # entries kept: the newest, by the time they were written


def _version(package: str) -> str:
    """Return an installed package's version."""
    try:
        return version(package)
    except PackageNotFoundError:  # a checkout used without installing: its code is hashed below
        return "not installed"


def cache_key(data_files: Sequence[Path], checks: Sequence[Path], include_data: bool) -> str:
    """Return the checksum naming the results of validating ``data_files`` with ``checks``."""
    digest = hashlib.sha256(f"include_data {include_data}\n".encode())
    for package in _PACKAGES:
        digest.update(f"{package} {_version(package)}\n".encode())
    # The code that turns pySHACL's report into results counts too: in a checkout it changes
    # without a new version number.
    code = [Path(__file__)]
    for path in [*data_files, paths.SHAPES_FILE, *checks, *code]:
        content = path.read_bytes()
        digest.update(f"{path.name}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


def _entry(checksum: str) -> Path | None:
    """Return the file holding the results for a key, or ``None`` when caching is off."""
    folder = paths.cache_dir()
    return folder / "validation" / f"{checksum}.json" if folder else None


def _read_kept(checksum: str) -> list[dict[str, Any]] | None:
    """Return the kept results (as plain data) for a key, or ``None`` if there are none."""
    entry = _entry(checksum)
    if entry is None or not entry.is_file():
        return None
    try:
        rows = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return rows if isinstance(rows, list) else None


def _keep(checksum: str, results: Sequence[dict[str, Any]]) -> None:
    """Keep results under a key (temporary file, then rename); skip an unwritable folder."""
    entry = _entry(checksum)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as output:
                json.dump(list(results), output, ensure_ascii=False)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        kept = sorted(entry.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[_CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def validate(
    files: Iterable[str | Path] | None = None, *, include_data: bool = True, cache: bool = False
) -> ValidationReport:
    """Validate the bundled graph, or your files together with it.

    :param files: RDF files to validate with the ontology and the bundled data; ``None`` (or
        empty) validates the bundled data alone.
    :param include_data: whether the bundled data joins the files. Without it, the files are
        validated with the ontology and feature scheme only, as self-contained documents (a
        file that describes a bundled State anew is then judged on its own description).
    :param cache: reuse the results of an earlier run over exactly the same bytes (files,
        shapes, checks) and versions, and keep this run's, in the user's cache folder (see
        :func:`cache_key`); the report's ``from_cache`` says whether it was reused.
        ``mla-kg validate`` caches unless given ``--no-cache``.
    :returns: every result, sorted by focus node, path and source.
    :raises LoadError: if a file (or the bundled shapes) cannot be read.
    :raises QueryError: if a QC check is malformed.
    """
    extra = [Path(file) for file in files or ()]
    bundled = paths.ontology_files(include_shapes=False)
    if include_data:
        bundled += paths.data_files()
    names = [str(path) for path in extra]
    checksum = None
    if cache and all(path.is_file() for path in extra):  # a missing file: LoadError below
        checks = sorted(paths.CHECKS_DIR.glob("*.rq"))
        checksum = cache_key(bundled + extra, checks, include_data)
        kept = _read_kept(checksum)
        if kept is not None:
            try:
                results = [ValidationResult(**row) for row in kept]
            except TypeError:  # an entry of another shape: validate afresh
                pass
            else:
                return ValidationReport(results=results, files=names, from_cache=True)
    with _quiet_rdflib():
        kg = Store(open_engine("oxigraph"), bundled + extra)
        shapes = _shapes_graph(paths.SHAPES_FILE)
        found = _check_results(kg, queries.load_checks()) + _shacl_results(kg, shapes)
    # pyshacl reports a fault once per way it reaches it (e.g. two shapes' paths): list it once.
    results = list(dict.fromkeys(found))
    # Ties broken by every field: the order never depends on how pySHACL reached a result.
    results.sort(
        key=lambda r: (
            r.focus,
            r.path or "",
            r.source,
            r.message,
            r.value or "",
            r.constraint,
            r.severity,
        )
    )
    if checksum is not None:
        _keep(checksum, [asdict(result) for result in results])
    return ValidationReport(results=results, files=names)
