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

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pyshacl
import pyshacl.graph_abstraction
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from mla_kg import paths
from mla_kg.errors import QueryError, ShapeViolation
from mla_kg.graph import queries
from mla_kg.graph.embedded import open_engine
from mla_kg.graph.files import read_graph
from mla_kg.graph.store import GraphStore, Store

SEVERITIES = ("Violation", "Warning", "Info")


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
    data_graph = getattr(pyshacl.graph_abstraction, "OxigraphDataGraph", None)
    if data_graph is None or "__bool__" in vars(data_graph):
        yield
        return
    data_graph.__bool__ = lambda self: True
    try:
        yield
    finally:
        del data_graph.__bool__


def _shacl_results(data: Store, shapes: Graph) -> list[ValidationResult]:
    """Run pyshacl and read its report graph into results."""
    # pyshacl evaluates SPARQL constraints on the engine it is given; on rdflib it re-parses
    # each constraint for every focus node (about 400 times slower than on pyoxigraph).
    with _nonempty_oxigraph_data():
        _, report, _ = pyshacl.validate(
            data.store,
            shacl_graph=shapes,
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


def validate(
    files: Iterable[str | Path] | None = None, *, include_data: bool = True
) -> ValidationReport:
    """Validate the bundled graph, or your files together with it.

    :param files: RDF files to validate with the ontology and the bundled data; ``None`` (or
        empty) validates the bundled data alone.
    :param include_data: whether the bundled data joins the files. Without it, the files are
        validated with the ontology and feature scheme only, as self-contained documents (a
        file that describes a bundled State anew is then judged on its own description).
    :returns: every result, sorted by focus node, path and source.
    :raises LoadError: if a file (or the bundled shapes) cannot be read.
    :raises QueryError: if a QC check is malformed.
    """
    extra = [Path(file) for file in files or ()]
    bundled = paths.ontology_files(include_shapes=False)
    if include_data:
        bundled += paths.data_files()
    kg = Store(open_engine("oxigraph"), bundled + extra)
    shapes = _shapes_graph(paths.SHAPES_FILE)
    results = _check_results(kg, queries.load_checks()) + _shacl_results(kg, shapes)
    results.sort(key=lambda r: (r.focus, r.path or "", r.source, r.message, r.value or ""))
    return ValidationReport(results=results, files=[str(path) for path in extra])
