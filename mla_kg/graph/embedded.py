"""The embedded engines: the graph in memory, in pyoxigraph (fast) or rdflib (pure Python).

pyoxigraph is the default; rdflib is the pure-Python fallback and the agreement check. Both
answer with the same :class:`~mla_kg.graph.results.QueryResult` of rdflib terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from mla_kg.errors import QueryError
from mla_kg.graph.files import RDF_OUTPUT_FORMATS, input_format, load_error, read_graph
from mla_kg.graph.results import QueryResult, language_tag, new_graph, normalise
from mla_kg.namespaces import PREFIXES

BACKENDS = ("oxigraph", "rdflib")
# Every query sees these prefixes, so short queries (and doctests) need no PREFIX lines.
_PROLOGUE_PREFIXES = dict(PREFIXES)
# pyoxigraph's refusal to substitute a variable the query does not return.
_UNSELECTED = re.compile(r"does not contains? variable \?(\w+)")


def _from_oxigraph(term: Any) -> Node:
    """Convert a pyoxigraph term to the normalised rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=language_tag(term.language))
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=True)
    raise QueryError(f"RDF-star triple terms are not supported: {term}")


def _to_oxigraph(term: Node) -> Any:
    """Convert an rdflib IRI, blank node or literal to pyoxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}; give an IRI or a literal")


class OxigraphEngine:
    """The graph in an in-memory pyoxigraph store."""

    name = "oxigraph"

    def __init__(self) -> None:
        self.store = ox.Store()

    def parse(self, path: Path) -> list[Any]:
        """Parse a whole file into quads of the default graph."""
        _, format = input_format(path)
        try:
            return list(
                ox.parse(
                    path=path,
                    format=format,
                    base_iri=path.resolve().as_uri(),
                    without_named_graphs=True,
                    rename_blank_nodes=True,
                )
            )
        except (SyntaxError, ValueError, OSError) as error:
            raise load_error(path, error) from error

    def add(self, parsed: Sequence[list[Any]]) -> None:
        """Add parsed files in one transaction."""
        self.store.extend(quad for chunk in parsed for quad in chunk)

    def load_new(self, files: Sequence[Path]) -> None:
        """Load files into this still-empty store, the fastest way each file allows.

        A file that cannot hold named graphs or blank-node labels (N-Triples or Turtle
        without ``_:``) goes straight into the store in Rust, without a Python object per
        triple; any other file is parsed as by :meth:`parse`. A failure raises before the
        graph is returned to anyone, so nothing half-loaded is ever seen.
        """
        for path in files:
            _, format = input_format(path)
            if format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE) and (
                b"_:" not in path.read_bytes()
            ):
                try:
                    self.store.load(path=path, format=format, base_iri=path.resolve().as_uri())
                except (SyntaxError, ValueError, OSError) as error:
                    raise load_error(path, error) from error
            else:
                self.add([self.parse(path)])

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query with engine-native substitution of the single-valued bindings."""
        substitutions = {ox.Variable(name): _to_oxigraph(term) for name, term in bindings.items()}
        try:
            answer = self.store.query(
                sparql, prefixes=_PROLOGUE_PREFIXES, substitutions=substitutions or None
            )
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult(ask=bool(answer))
            if isinstance(answer, ox.QueryTriples):
                graph = new_graph()
                for triple in answer:
                    graph.add(
                        (
                            _from_oxigraph(triple.subject),
                            _from_oxigraph(triple.predicate),
                            _from_oxigraph(triple.object),
                        )
                    )
                return QueryResult(graph=graph)
            names = [variable.value for variable in answer.variables]
            # Answers repeat the same IRIs and literals many times, and building an rdflib
            # term costs far more than a lookup: convert each distinct term once per answer.
            converted: dict[Any, Node] = {}
            rows = []
            for solution in answer:
                row = {}
                for name in names:
                    term = solution[name]
                    if term is not None:
                        node = converted.get(term)
                        if node is None:
                            node = converted[term] = _from_oxigraph(term)
                        row[name] = node
                rows.append(row)
            return QueryResult(vars=names, rows=rows)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error.msg}") from error
        except RuntimeError as error:
            unselected = _UNSELECTED.search(str(error))
            if unselected:
                raise _not_selected(unselected.group(1)) from error
            raise QueryError(f"the query failed: {error}") from error
        except (OSError, ValueError) as error:
            raise QueryError(f"the query failed: {error}") from error

    def serialize(self, format: str) -> bytes:
        """Serialize the default graph with pyoxigraph's writers."""
        _, ox_format = RDF_OUTPUT_FORMATS[format]
        return self.store.dump(
            format=ox_format, from_graph=ox.DefaultGraph(), prefixes=_PROLOGUE_PREFIXES
        )

    def to_rdflib(self) -> Graph:
        """Copy the graph into a new rdflib Graph."""
        graph = new_graph()
        for quad in self.store:
            graph.add(
                (
                    _from_oxigraph(quad.subject),
                    _from_oxigraph(quad.predicate),
                    _from_oxigraph(quad.object),
                )
            )
        return graph


class RdflibEngine:
    """The graph in an rdflib Graph, queried with rdflib's own SPARQL engine."""

    name = "rdflib"

    def __init__(self) -> None:
        self.graph = new_graph()

    def parse(self, path: Path) -> Graph:
        """Parse a whole file into a graph of its own."""
        return read_graph(path)

    def add(self, parsed: Sequence[Graph]) -> None:
        """Add parsed files."""
        for graph in parsed:
            self.graph += graph

    def __len__(self) -> int:
        return len(self.graph)

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query with rdflib's ``initBindings`` for the single-valued bindings."""
        try:
            # rdflib's SPARQL parser takes a fifth of a second to import; oxigraph never needs it.
            from rdflib.plugins.sparql import prepareQuery

            prepared = prepareQuery(sparql, initNs=_PROLOGUE_PREFIXES)
        except Exception as error:  # pyparsing errors have no common base with ours
            raise QueryError(f"SPARQL syntax error: {error}") from error
        # rdflib would bind any variable; pyoxigraph only those the query returns. Refuse
        # the same queries here, so a query never works on one engine and fails on the other.
        if bindings:
            algebra = prepared.algebra
            if algebra.name == "SelectQuery":
                usable = set(algebra["PV"])
            else:
                usable = getattr(algebra.get("p"), "_vars", None) or set()
            for name in bindings:
                if Variable(name) not in usable:
                    raise _not_selected(name)
        try:
            answer = self.graph.query(prepared, initBindings=dict(bindings))
            if answer.type == "ASK":
                return QueryResult(ask=bool(answer.askAnswer))
            if answer.type in ("CONSTRUCT", "DESCRIBE"):
                graph = new_graph()
                for s, p, o in answer.graph or ():
                    graph.add((s, p, normalise(o)))
                return QueryResult(graph=graph)
            names = [str(var) for var in answer.vars or ()]
            rows = []
            for solution in answer:
                row = {}
                for name, term in zip(names, solution, strict=True):  # type: ignore[call-overload]
                    if term is not None:
                        row[name] = normalise(term)
                rows.append(row)
            return QueryResult(vars=names, rows=rows)
        except Exception as error:  # pyparsing and evaluation errors have no common base
            raise QueryError(f"the query failed: {error}") from error

    def serialize(self, format: str) -> bytes:
        """Serialize with rdflib's writers."""
        rdflib_format, _ = RDF_OUTPUT_FORMATS[format]
        if format == "trig":
            # TriG writes a Graph as a graph named by its (blank) identifier; the triples
            # belong in the default graph, as pyoxigraph writes them.
            dataset = Dataset()
            for prefix, namespace in PREFIXES.items():
                dataset.bind(prefix, namespace, override=True)
            dataset.default_graph += self.graph
            return dataset.serialize(format=rdflib_format, encoding="utf-8")
        return self.graph.serialize(format=rdflib_format, encoding="utf-8")

    def to_rdflib(self) -> Graph:
        """Copy the graph into a new rdflib Graph."""
        graph = new_graph()
        graph += self.graph
        return graph


def _not_selected(name: str) -> QueryError:
    """Describe a binding for a variable the query does not return."""
    return QueryError(
        f"cannot bind ?{name}: the query does not select it; add ?{name} to the SELECT "
        "clause (a bound value replaces a variable of the result)"
    )


def open_engine(name: str) -> OxigraphEngine | RdflibEngine:
    """Return a new, empty embedded engine by name (``oxigraph`` or ``rdflib``).

    :raises ValueError: for any other name.
    """
    if name == "oxigraph":
        return OxigraphEngine()
    if name == "rdflib":
        return RdflibEngine()
    raise ValueError(f"unknown backend {name!r}; use one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "OxigraphEngine", "RdflibEngine", "open_engine"]
