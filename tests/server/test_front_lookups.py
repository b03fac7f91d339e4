"""Lookups answered in the serving process give the bytes the SPARQL engine gives.

:mod:`mla_kg.server.lookups` answers a bounded lookup by one index scan, without a SPARQL
engine. Differential test: thousands of lookups generated from the bundled data (a constant
subject, predicate or object, prefixed names, ``a``, literals with language tags and
datatypes, ``LIMIT``, unbound projected variables, ``ASK``), each in every result format and
under small row and byte caps, answered by that scan and by the worker's engine
(:class:`mla_kg.server.engine.Engine`) on the same store: the answers must be equal byte for
byte, with the same media type, row count and truncation. The pool's workers hold the data in
memory, where pyoxigraph returns the same rows in another order; against that store, the rows
of every complete answer must be the same multiset.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from mla_kg.namespaces import PREFIXES
from mla_kg.server import protocol
from mla_kg.server.dataset import build_dataset
from mla_kg.server.engine import Engine, SparqlJob, WorkerSettings
from mla_kg.server.lanes import lookup_pattern
from mla_kg.server.lookups import FrontLookups
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.results import _json_term, json_term_text

ACCEPTS = [
    None,
    protocol.JSON_RESULTS,
    protocol.XML_RESULTS,
    protocol.CSV,
    protocol.TSV,
    "text/csv;q=0.5, application/sparql-results+xml",
]
_SAFE_TEXT = re.compile(r'[^"\\\r\n\u2028\u2029\u0085]*\Z')
_PNAME_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*\Z")


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FrontLookups, Engine, Engine]]:
    """Return the in-process lookups, an engine on the same store, an engine on a memory copy."""
    dataset = build_dataset(tmp_path_factory.mktemp("dataset"))
    assert dataset.store_path is not None
    front = FrontLookups(str(dataset.store_path))
    settings = WorkerSettings(quads_path=str(dataset.quads_path))
    in_memory = ox.Store()
    in_memory.bulk_load(path=str(dataset.quads_path), format=ox.RdfFormat.N_QUADS)
    yield front, Engine(front.store, settings), Engine(in_memory, settings)


def _iri(term: ox.NamedNode, rng: random.Random, predicate: bool = False) -> str:
    """Write an IRI in full, as a prefixed name, or (a predicate only) as ``a``, at random."""
    rdf_type = term.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    if predicate and rdf_type and rng.random() < 0.5:
        return "a"
    for prefix, namespace in PREFIXES.items():
        local = term.value[len(namespace) :]
        if term.value.startswith(namespace) and _PNAME_LOCAL.match(local) and rng.random() < 0.6:
            return f"{prefix}:{local}"
    return f"<{term.value}>"


def _constant(term: object, rng: random.Random) -> str | None:
    """Write a term of the data as the classifier's grammar allows, or ``None``."""
    if isinstance(term, ox.NamedNode):
        return _iri(term, rng)
    if isinstance(term, ox.Literal) and _SAFE_TEXT.match(term.value):
        if term.language:
            return f'"{term.value}"@{term.language}'
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return f'"{term.value}"'
        return f'"{term.value}"^^<{term.datatype.value}>'
    return None


def _queries(store: ox.Store, count: int) -> list[str]:
    """Generate lookups from triples of the data."""
    rng = random.Random(20261202)
    # Sorted, so that the same seed draws the same queries whatever order the store scans in
    # (an unsorted draw once wrote rdf:type as `a` in object position: not a lookup at all).
    quads = sorted(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), key=str)
    out: list[str] = []
    while len(out) < count:
        quad = rng.choice(quads)
        s = _constant(quad.subject, rng)
        p = _iri(quad.predicate, rng, predicate=True)
        o = _constant(quad.object, rng)
        shapes = [f"{s} ?p ?o", f"?s {p} ?o", f"{s} {p} ?o", f"?s ?p {o}", f"?s {p} {o}"]
        body = rng.choice([shape for shape in shapes if "None" not in shape])
        head = rng.choice(["SELECT *", "SELECT ?o ?s ?p", "SELECT ?x ?o", "SELECT ?s", "ASK"])
        tail = rng.choice(["", "", " LIMIT 0", " LIMIT 3", " LIMIT 40", " LIMIT 100000"])
        if head == "ASK":
            tail = ""
        where = rng.choice([" WHERE ", " ", " where "])
        out.append(f"{head}{where}{{ {body}{rng.choice(['', ' .'])} }}{tail}")
    return out


def _engine_answer(engine: Engine, job: SparqlJob) -> object:
    try:
        return engine.run(job)
    except ProtocolError as error:
        return ("error", error.status, error.message)


def _front_answer(front: FrontLookups, job: SparqlJob) -> object:
    lookup = lookup_pattern(job.query)
    assert lookup is not None, job.query
    try:
        answer = asyncio.run(front.answer(lookup, job))
    except ProtocolError as error:
        return ("error", error.status, error.message)
    assert answer is not None, job.query
    return answer


def test_the_scan_answers_as_the_engine_does_byte_for_byte(stores) -> None:
    front, engine, _ = stores
    rng = random.Random(7)
    compared = truncated = non_empty = 0
    for query in _queries(front.store, 2_000):
        max_rows = rng.choice([5, 50, 10_000])
        max_bytes = rng.choice([None, 2_048, 33_554_432])
        for accept in ACCEPTS:
            job = SparqlJob(query, accept, max_rows, max_bytes=max_bytes)
            ours, theirs = _front_answer(front, job), _engine_answer(engine, job)
            assert ours == theirs, (query, accept, max_rows, max_bytes)
            compared += 1
            if not isinstance(ours, tuple):
                truncated += ours.truncation is not None
                non_empty += ours.count > 0 and ours.form == "SELECT"
    print(f"{compared} answers equal; {non_empty} SELECT answers with rows, {truncated} cut")
    assert truncated > 100 and non_empty > 1_000  # the caps and real rows were exercised


def test_the_pools_memory_store_gives_the_same_rows(stores) -> None:
    front, _, memory_engine = stores
    compared = 0
    for query in _queries(front.store, 600):
        job = SparqlJob(query, protocol.TSV, 100_000)
        ours, theirs = _front_answer(front, job), _engine_answer(memory_engine, job)
        if isinstance(ours, tuple) or b"_:" in ours.body:  # blank node ids differ per load
            continue
        if "LIMIT" in query:  # which rows a LIMIT keeps depends on the store's order
            continue
        head, *rows = ours.body.split(b"\n")
        their_head, *their_rows = theirs.body.split(b"\n")
        assert (head, sorted(rows)) == (their_head, sorted(their_rows)), query
        compared += 1
    assert compared > 100


def test_an_unacceptable_type_is_the_engines_406(stores) -> None:
    front, engine, _ = stores
    job = SparqlJob("SELECT * { ?s a mla:Instrument }", "text/turtle", 10)
    assert _front_answer(front, job) == _engine_answer(engine, job)
    assert _front_answer(front, job)[1] == 406


def test_a_term_pyoxigraph_refuses_goes_to_the_worker(stores) -> None:
    front, _, _ = stores
    before = front.status()["handed_to_worker"]
    lookup = lookup_pattern('SELECT * { ?s ?p "x"@EN }')  # a tag pyoxigraph lower-cases
    assert lookup is not None
    assert asyncio.run(front.answer(lookup, SparqlJob("", None, 10))) is None
    assert front.status()["handed_to_worker"] == before + 1


def test_the_fast_json_term_writer_is_json_dumps_to_the_byte(stores) -> None:
    front, _, _ = stores
    extra = [
        ox.Literal('a\n"b\u2028\u00e9\x01\\'),
        ox.BlankNode("b1"),
        ox.Literal("x", language="en-gb"),
    ]
    terms = {
        t
        for q in front.store.quads_for_pattern(None, None, None)
        for t in (q.subject, q.predicate, q.object)
    }
    for term in [*terms, *extra]:
        expected = json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))
        assert json_term_text(term) == expected, term
    assert len(terms) > 5_000
