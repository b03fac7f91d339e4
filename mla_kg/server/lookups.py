"""Bounded lookups answered in the serving process, by one index scan and no SPARQL engine.

A lookup (:func:`mla_kg.server.lanes.lookup_pattern`: one triple pattern with a constant, an
optional ``LIMIT``) crossed the event loop, a thread, a pipe and a worker process and back, for
an answer the store gives by one prefix scan of an index. Here the pattern's terms are built as
pyoxigraph terms and the scan is ``Store.quads_for_pattern`` on the dataset's on-disk store,
opened read-only (:mod:`mla_kg.server.dataset`): its pages are read from the file as needed,
so the serving process does not hold a copy of the data. The scan stops at the row cap (and
``LIMIT``), and the answer is written by the workers' own writers
(:func:`mla_kg.server.results.write_select`), so its bytes, media type, truncation marker and
headers are those a worker would send.

No query text reaches a SPARQL parser in this process: only the three terms the classifier read
are used, so nothing in a query can execute here (``SERVICE`` cannot). A term pyoxigraph refuses
makes :meth:`FrontLookups.answer` return ``None``, and the query goes to the lookup worker, whose
engine gives the error a client can act on.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from mla_kg.server import protocol, results
from mla_kg.server.engine import Answer, SparqlJob
from mla_kg.server.lanes import Lookup, PatternTerm

#: Rows collected on the event loop before the rest of a long answer moves to a thread.
INLINE_ROWS = 256


def _term(term: PatternTerm) -> Any:
    """Return the pyoxigraph term of a constant (``None`` for a variable).

    :raises ValueError: for an IRI, literal or language tag pyoxigraph refuses.
    """
    if term.kind == "variable":
        return None
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.lang is not None:
        literal = ox.Literal(term.value, language=term.lang)
        if literal.language != term.lang:  # normalised: let the engine decide how it matches
            raise ValueError(f"language tag {term.lang!r} is not in its canonical form")
        return literal
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or results.XSD_STRING))


class FrontLookups:
    """The dataset's on-disk store, read-only, and the lookups answered from it.

    :param store_path: the store :func:`~mla_kg.server.dataset.build_dataset` wrote.
    """

    def __init__(self, store_path: str) -> None:
        self.store = ox.Store.read_only(store_path)
        self.answered = 0
        self.handed_over = 0
        self._lock = threading.Lock()

    def status(self) -> dict[str, int]:
        """Return, for ``/health``, the lookups answered here and those sent to the worker."""
        return {"answered": self.answered, "handed_to_worker": self.handed_over}

    def scan(self, lookup: Lookup) -> tuple[Callable[[], Any], list[int | None]] | None:
        """Return what starts the index scan of a lookup, and where each variable is in it.

        ``None`` (counted as handed over) when a term cannot be built: the worker answers.
        """
        try:
            constants = [_term(term) for term in lookup.pattern]
        except ValueError:
            with self._lock:
                self.handed_over += 1
            return None
        positions = {t.value: i for i, t in enumerate(lookup.pattern) if t.kind == "variable"}
        columns = [positions.get(name) for name in lookup.variables]
        return lambda: self.store.quads_for_pattern(*constants, ox.DefaultGraph()), columns

    async def answer(self, lookup: Lookup, job: SparqlJob) -> Answer | None:
        """Answer a lookup, or return ``None`` when the lookup worker must (a refused term).

        A short answer is written on the event loop (well under a millisecond); one with more
        than :data:`INLINE_ROWS` rows is finished in a thread, so that a 10,000-row answer
        does not hold up the other requests.

        :raises ProtocolError: 406 when no offered result type is acceptable.
        """
        scan = self.scan(lookup)
        if scan is None:
            return None
        open_scan, columns = scan
        if lookup.form == "ASK":
            answer = self.answer_ask(open_scan, job)
            self._count()
            return answer
        select = SelectScan(open_scan, columns, lookup, job)
        select.collect(INLINE_ROWS)
        select.release()
        if select.done:
            answer = select.answer()
        else:
            answer = await asyncio.to_thread(select.finish)
        self._count()
        return answer

    def answer_ask(self, open_scan: Callable[[], Any], job: SparqlJob) -> Answer:
        """Answer an ``ASK`` lookup: whether the scan finds one triple.

        The scan starts only once nothing can fail: a scan kept alive by an exception's
        traceback could be freed later in another thread, which pyoxigraph forbids.
        """
        media_type = protocol.negotiate(job.accept, protocol.ASK_TYPES)
        if media_type is None:
            raise protocol.not_acceptable(protocol.ASK_TYPES, "ASK results")
        found = next(iter(open_scan()), None) is not None
        return Answer(
            media_type=media_type,
            body=results.boolean_body(found, media_type),
            form="ASK",
            count=1,
        )

    def _count(self) -> None:
        with self._lock:
            self.answered += 1


class SelectScan:
    """The rows of a ``SELECT`` lookup, collected in steps, then written as a worker would.

    :param open_scan: starts the scan (:meth:`FrontLookups.scan`); a scan cannot move to
        another thread, so the thread that finishes a long answer starts it again and skips
        the rows already read (a read-only store gives them in the same order).
    :param columns: the pattern position of each projected variable (``None``: unbound).
    :param lookup: the lookup (its ``LIMIT``).
    :param job: the request (row and byte caps, ``Accept``).
    """

    def __init__(
        self,
        open_scan: Callable[[], Any],
        columns: list[int | None],
        lookup: Lookup,
        job: SparqlJob,
    ) -> None:
        self.media_type = protocol.negotiate(job.accept, protocol.SELECT_TYPES)
        if self.media_type is None:
            raise protocol.not_acceptable(protocol.SELECT_TYPES, "SELECT results")
        self._open_scan = open_scan
        self._quads = iter(open_scan())
        self._columns = columns
        self._limit = lookup.limit
        self._variables = lookup.variables
        self._job = job
        self.rows: list[tuple[Any, ...]] = []
        self.truncated_at: int | None = None
        self.done = False

    def collect(self, most: int | None = None) -> None:
        """Read up to ``most`` more rows (all, within the caps, when ``None``).

        The stops are the engine's: ``LIMIT`` ends the answer; a row past the row cap marks
        it truncated.
        """
        target = None if most is None else len(self.rows) + most
        while not self.done:
            if target is not None and len(self.rows) >= target:
                return
            if self._limit is not None and len(self.rows) == self._limit:
                self.done = True
                return
            quad = next(self._quads, None)
            if quad is None:
                self.done = True
                return
            if len(self.rows) == self._job.max_rows:
                self.truncated_at = self._job.max_rows
                self.done = True
                return
            terms = (quad.subject, quad.predicate, quad.object)
            self.rows.append(tuple(None if c is None else terms[c] for c in self._columns))

    def finish(self) -> Answer:
        """Collect the remaining rows and write the answer (in another thread than the start)."""
        self._quads = iter(self._open_scan())
        for _ in itertools.islice(self._quads, len(self.rows)):
            pass
        self.collect()
        self.release()
        return self.answer()

    def release(self) -> None:
        """Drop the scan, in the thread that started it (pyoxigraph requires it)."""
        self._quads = iter(())

    def answer(self) -> Answer:
        """Write the collected rows (call once :attr:`done`)."""
        assert self.media_type is not None
        written = results.write_select(
            self._variables, self.rows, self.media_type, self.truncated_at, self._job.max_bytes
        )
        cut = written.truncation
        return Answer(
            media_type=self.media_type,
            body=written.body,
            form="SELECT",
            count=written.count,
            truncated_at=cut.limit if cut is not None and cut.cap == "rows" else None,
            truncation=cut,
        )
