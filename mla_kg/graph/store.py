"""The graph store: a SPARQL engine behind one interface, queried by text or by name.

:class:`GraphStore` is what every domain module (``compare``, ``planning``, ``network`` ...)
asks of a graph: queries, named queries, ids resolved to IRIs and a cache of derived results.
:class:`Store` is that interface over any :class:`Engine` (pyoxigraph, rdflib, a remote
endpoint). This layer knows no domain module; the public facade over it is
:class:`mla_kg.KnowledgeGraph`.

>>> from mla_kg.graph.embedded import OxigraphEngine
>>> store = Store(OxigraphEngine())
>>> store.instruments(), len(store)
([], 0)
>>> store.query("ASK { ?i a mla:Instrument }").ask
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from mla_kg.errors import (
    QueryError,
    UnknownFeature,
    UnknownInstrument,
    UnknownState,
    UnsupportedFormat,
)
from mla_kg.graph import queries
from mla_kg.graph.embedded import OxigraphEngine
from mla_kg.graph.files import RDF_OUTPUT_FORMATS
from mla_kg.graph.kept import KeptAnswers
from mla_kg.graph.results import QueryResult
from mla_kg.namespaces import FEATURE_SCHEME, ORG

# Ids that parameters and methods resolve to IRIs: ?iri and ?id for each kind of thing.
_INDEX_QUERIES = {
    "instrument": "SELECT ?iri ?id WHERE { ?iri a mla:Instrument ; mla:instrumentId ?id }",
    "feature": (
        f"SELECT ?iri ?id WHERE {{ ?iri skos:inScheme <{FEATURE_SCHEME}> ; skos:notation ?id }}"
    ),
    "state": (
        "SELECT ?iri ?id WHERE { { ?iri a mla:State ; mla:isoCode ?id } "
        "UNION { ?iri a mla:State ; mla:euCode ?id } "
        "UNION { ?iri a mla:InternationalOrganisation "
        f'BIND(STRAFTER(STR(?iri), "{ORG}") AS ?id) FILTER(?id != "") }} }}'
    ),
}


class Engine(Protocol):
    """A SPARQL engine holding the triples: embedded (pyoxigraph, rdflib) or remote."""

    name: str

    def __len__(self) -> int: ...

    def parse(self, path: Path) -> Any:
        """Parse a whole file, adding nothing yet."""
        ...

    def add(self, parsed: Sequence[Any]) -> None:
        """Add files parsed by :meth:`parse`."""
        ...

    def query(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Run a query with single-valued bindings bound by the engine."""
        ...

    def serialize(self, format: str) -> bytes:
        """Serialize the whole graph in one of :data:`~mla_kg.graph.files.OUTPUT_FORMATS`."""
        ...

    def to_rdflib(self) -> Graph:
        """Copy the graph into a new rdflib Graph."""
        ...


class GraphStore(Protocol):
    """What the domain modules ask of a graph (:class:`Store` and KnowledgeGraph are one)."""

    @property
    def backend(self) -> str:
        """Return the name of the engine holding the graph."""
        ...

    def query(
        self, sparql: str, bindings: Mapping[str, Node | str | Sequence[Node]] | None = None
    ) -> QueryResult:
        """Run a SPARQL query; see :meth:`Store.query`."""
        ...

    def run(self, name: str | queries.NamedQuery, **params: object) -> QueryResult:
        """Run a named query of ``queries/``; see :meth:`Store.run`."""
        ...

    def derived(self, name: str) -> dict[str, Any] | None:
        """Return a cache for derived results, or ``None`` where nothing may be kept."""
        ...

    def instruments(self) -> list[str]:
        """Return the instrument ids, sorted."""
        ...

    def features(self) -> list[str]:
        """Return the feature ids, sorted."""
        ...

    def instrument_iri(self, instrument_id: str) -> URIRef:
        """Return an instrument's IRI from its id or IRI."""
        ...

    def feature_iri(self, feature_id: str) -> URIRef:
        """Return a feature's IRI from its id or IRI."""
        ...

    def state_iri(self, code: str) -> URIRef:
        """Return a State's IRI from its code or IRI."""
        ...


class Store:
    """A graph held by one :class:`Engine`, with ids resolved to IRIs and derived results cached.

    :param engine: the engine holding (or about to hold) the triples.
    :param files: RDF files to load into it now; an empty embedded engine loads them the fastest
        way it can.
    :param keep_answers: keep SELECT and ASK answers over exactly these files in the user's
        cache folder, and answer from there in later runs (see :mod:`mla_kg.graph.kept`); the
        files are then loaded only when a question has no kept answer, so a load error shows
        at that question rather than here. Ignored for a remote engine or without files, and
        when caching is off (``MLA_KG_CACHE_DIR`` set but empty).
    :raises LoadError: naming the file, line and cause; nothing is loaded then.
    """

    def __init__(
        self, engine: Engine, files: Iterable[str | Path] = (), *, keep_answers: bool = False
    ) -> None:
        self._backend = engine
        self.files: list[Path] = []
        self._indexes: dict[str, dict[str, URIRef]] = {}
        self._derived: dict[str, Any] = {}
        self._pending: list[Path] = []
        self._kept: KeptAnswers | None = None
        files = [Path(file) for file in files]
        if keep_answers and files and engine.name != "remote" and not len(engine):
            self._kept = KeptAnswers.open(engine.name, files)
        if self._kept is not None:
            self._pending = files  # loaded by the first question no kept answer answers
            self.files += files
        elif isinstance(engine, OxigraphEngine) and not len(engine):
            engine.load_new(files)
            self.files += files
        elif files:
            self.load(files)

    def _engine(self) -> Engine:
        """Return the engine, with the files still pending loaded into it."""
        if self._pending:
            files, self._pending = self._pending, []
            try:
                if isinstance(self._backend, OxigraphEngine):
                    self._backend.load_new(files)
                else:
                    self._backend.add([self._backend.parse(path) for path in files])
            except BaseException:
                self._kept = None  # the files did not load: no answer is kept over them
                self.files = [path for path in self.files if path not in files]
                raise
        return self._backend

    @property
    def backend(self) -> str:
        """Return the name of the engine holding the graph."""
        return self._backend.name

    def derived(self, name: str) -> dict[str, Any] | None:
        """Return a cache for results derived from this graph, emptied whenever it changes.

        ``None`` for a remote graph: its server's data may change under us, so nothing is kept.
        """
        if self._backend.name == "remote":
            return None
        return self._derived.setdefault(name, {})

    def load(self, files: Iterable[str | Path]) -> None:
        """Add RDF files to the graph: each is parsed fully before any triple is added.

        :raises LoadError: naming the file, line and cause; the graph is then unchanged.
        """
        files = [Path(file) for file in files]
        engine = self._engine()
        parsed = [engine.parse(path) for path in files]
        engine.add(parsed)
        self._kept = None  # the kept answers are those of the files before these
        self.files += files
        self._indexes.clear()
        self._derived.clear()

    def __len__(self) -> int:
        """Return the number of triples."""
        return len(self._engine())

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"<{name} {self.backend}: {len(self)} triples from {len(self.files)} files>"

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node | str | Sequence[Node]] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE).

        The usual prefixes (``mla:``, ``feat:``, ``skos:``, ``dct:``, ``rdfs:`` ...) are
        predeclared.

        :param sparql: the query text.
        :param bindings: values for variables. A term (or a ``str``, bound as a string
            literal) is bound by the engine; a list of terms restricts the variable to those
            values through a trailing ``VALUES`` clause. Either way a SELECT query must
            project the variable (an ASK, CONSTRUCT or DESCRIBE query must use it), as
            SPARQL substitution (SEP-0007) requires; the engines agree on this.
        :returns: the rows, the ASK answer or the constructed graph, as rdflib terms.
        :raises QueryError: if the query is malformed or fails.

        >>> from mla_kg import KnowledgeGraph
        >>> kg = KnowledgeGraph()
        >>> eu_jp = kg.instrument_iri("eu-jp-mla")
        >>> result = kg.query("SELECT ?i ?id WHERE { ?i mla:instrumentId ?id }", {"i": eu_jp})
        >>> [str(row["id"]) for row in result]
        ['eu-jp-mla']
        """
        single, lists = queries.split_bindings(bindings)
        if lists:
            sparql = sparql.rstrip() + queries.render_values(lists)
        kept = self._kept
        if kept is None:
            return self._engine().query(sparql, single)
        answer = kept.get(sparql, single)
        if answer is None:
            answer = self._engine().query(sparql, single)
            kept.keep(sparql, single, answer)
        return answer

    def run(self, name: str | queries.NamedQuery, **params: object) -> QueryResult:
        """Run a named query of ``queries/`` with parameters typed by its header.

        :param name: the query name (file stem), or a :class:`~mla_kg.queries.NamedQuery`.
        :param params: parameter values; ids are resolved to IRIs where the header says
            ``(instrument)``, ``(feature)`` or ``(state)``.
        :raises UnknownQuery: listing the known query names.
        :raises MissingParameter: naming a required parameter that was not given.
        :raises UnknownInstrument: listing the known instrument ids.

        >>> from mla_kg import KnowledgeGraph
        >>> kg = KnowledgeGraph()
        >>> rows = kg.run("count_subdivisions_by_status", instrument="eu-jp-mla").rows
        >>> {str(row["instrumentId"]) for row in rows}
        {'eu-jp-mla'}
        """
        query = name if isinstance(name, queries.NamedQuery) else queries.get(name)
        bindings = queries.bind_parameters(query, params, self)
        try:
            return self.query(query.text, bindings)
        except QueryError as error:
            if error.query is None:
                raise QueryError(str(error), query.name) from error
            raise

    def _index(self, kind: str) -> dict[str, URIRef]:
        """Return instrument, feature or State IRIs by id, read once per loaded state."""
        if kind not in self._indexes:
            rows = self.query(_INDEX_QUERIES[kind])
            self._indexes[kind] = {
                str(row["id"]): row["iri"]  # type: ignore[misc]
                for row in rows
            }
        return self._indexes[kind]

    def _resolve(self, kind: str, key: str, error: type[Exception]) -> URIRef:
        """Return the IRI for an id (or the IRI itself, if known), else raise ``error``."""
        index = self._index(kind)
        if key in index:
            return index[key]
        if key in {str(iri) for iri in index.values()}:
            return URIRef(key)
        raise error(key, index)

    def instruments(self) -> list[str]:
        """Return the ids of the instruments in the graph, sorted."""
        return sorted(self._index("instrument"))

    def features(self) -> list[str]:
        """Return the ids of the features of the feature scheme, sorted."""
        return sorted(self._index("feature"))

    def instrument_iri(self, instrument_id: str) -> URIRef:
        """Return the IRI of an instrument given its id (``eu-jp-mla``) or its IRI.

        :raises UnknownInstrument: listing the known ids.
        """
        return self._resolve("instrument", instrument_id, UnknownInstrument)

    def feature_iri(self, feature_id: str) -> URIRef:
        """Return the IRI of a feature of the scheme given its id (``videoconference-hearing``).

        :raises UnknownFeature: listing the feature ids.
        """
        return self._resolve("feature", feature_id, UnknownFeature)

    def state_iri(self, code: str) -> URIRef:
        """Return the IRI of a State given its ISO 3166-1 alpha-2 code (or EU code, or ``EU``).

        :raises UnknownState: listing the known codes.
        """
        return self._resolve("state", code if ":" in code else code.upper(), UnknownState)

    def serialize(self, format: str = "ttl") -> bytes:
        """Serialize the whole graph.

        :param format: ``ttl``, ``nt``, ``jsonld`` or ``trig``.
        :raises UnsupportedFormat: for any other format.
        """
        if format not in RDF_OUTPUT_FORMATS:
            raise UnsupportedFormat(format, RDF_OUTPUT_FORMATS)
        return self._engine().serialize(format)

    def to_rdflib(self) -> Graph:
        """Return a copy of the graph as an rdflib Graph (for networkx views and the like)."""
        return self._engine().to_rdflib()

    @property
    def store(self) -> ox.Store | Graph:
        """Return the engine's own graph: a ``pyoxigraph.Store`` or an ``rdflib.Graph``.

        For tools that take one of these directly (pyshacl takes both); do not modify it.
        """
        backend = self._engine()
        return backend.store if isinstance(backend, OxigraphEngine) else backend.graph  # type: ignore[attr-defined]


__all__ = ["Engine", "GraphStore", "Store"]
