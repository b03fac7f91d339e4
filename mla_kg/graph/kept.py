"""Answers kept on disk between runs, so that a new process asking an old question skips the load.

A command line run loads the ontology and data (about 30k triples) before its first query,
and a comparison asks the same few queries every time. When a graph is opened with its answers
kept (``Store(..., keep_answers=True)``, which ``mla-kg`` does unless given ``--no-cache``),
each SELECT or ASK answer is written to the user's cache folder
(:func:`mla_kg.paths.cache_dir`, ``answers/<key>.json``) and a later run over the same files
reads it instead of loading the files and running the query.

The key is a SHA-256 over a format number, the engine's name, the versions of pyoxigraph and
rdflib, the code that shapes answers (this module, ``results.py``, ``embedded.py``) and each
loaded file's name and bytes: a changed byte, an added or removed file, another engine or
another release of one reads another entry, so a kept answer is never stale. Within an entry
an answer is found by its query text and bindings.

Kept only what the same files always answer the same way: no answer holding a blank node
(labels are new at every load), none to a query that could answer differently on the same
data (``NOW``, ``RAND``, ``UUID``, ``STRUUID``, ``BNODE``, ``SERVICE`` anywhere in its text),
none over :data:`MAX_ROWS` rows, no CONSTRUCT or DESCRIBE graph. An entry is written to a
temporary file and renamed into place, so concurrent runs never read half of one; an unreadable
or malformed entry is read as empty and rewritten by the next answer kept; an unwritable cache
folder is ignored (the queries then simply run).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from mla_kg import paths
from mla_kg.graph.results import QueryResult

#: Bumped whenever the layout of an entry changes: older entries are then never read.
FORMAT = 1
#: Answers with more rows than this are not kept (they are cheap to recompute relative to
#: their size on disk, and a user's ad-hoc query should not fill the cache folder).
MAX_ROWS = 5_000
#: Answers, and rows over all answers, kept per entry; past either, new answers are not kept
#: (an entry is rewritten whole with each answer kept, so it stays small).
MAX_ANSWERS = 500
MAX_ENTRY_ROWS = 50_000
#: Entries kept in the folder: the newest, by the time they were written.
KEEP_ENTRIES = 8
# Functions and clauses whose answer may differ between two runs over the same data.
_UNSTABLE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE|SERVICE)\b", re.IGNORECASE)
_CODE = ("kept.py", "results.py", "embedded.py")


def _entry_key(engine: str, files: Sequence[Path]) -> str:
    """Return the checksum naming the answers of ``engine`` over exactly these files."""
    versions = f"pyoxigraph {pyoxigraph.__version__}\nrdflib {rdflib.__version__}"
    digest = hashlib.sha256(f"format {FORMAT}\nengine {engine}\n{versions}\n".encode())
    code = [Path(__file__).with_name(name) for name in _CODE]
    for path in [*code, *files]:
        content = path.read_bytes()
        digest.update(f"{path.name}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


def _term_code(term: Node) -> list[str | None]:
    """Return the JSON form of an IRI or a literal (blank nodes are never kept)."""
    if isinstance(term, URIRef):
        return ["u", str(term)]
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return ["l", str(term), term.language, datatype]
    raise TypeError(f"not keepable: {term!r}")


def _term(code: Sequence[Any]) -> Node:
    """Rebuild the term of a JSON form, in the normalised form the engines answer with."""
    if code[0] == "u":
        return URIRef(code[1])
    _, value, language, datatype = code
    if language:
        return Literal(value, lang=language)
    if datatype is None:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype), normalize=True)


def _request(sparql: str, bindings: Mapping[str, Node]) -> str | None:
    """Return the key of a question within an entry, or ``None`` if its answer is not kept."""
    if _UNSTABLE.search(sparql):
        return None
    parts = [sparql]
    for name in sorted(bindings):
        term = bindings[name]
        if not isinstance(term, (URIRef, Literal)):
            return None
        parts.append(json.dumps([name, *_term_code(term)], ensure_ascii=False))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _encode(result: QueryResult) -> dict[str, Any] | None:
    """Return the JSON form of an answer, or ``None`` if it is not kept."""
    if result.graph is not None:
        return None
    if result.ask is not None:
        return {"ask": result.ask}
    if len(result.rows) > MAX_ROWS:
        return None
    terms: dict[Node, int] = {}
    rows = []
    for row in result.rows:
        encoded = []
        for name in result.vars:
            term = row.get(name)
            if term is None:
                encoded.append(-1)
                continue
            if isinstance(term, BNode):
                return None
            encoded.append(terms.setdefault(term, len(terms)))
        rows.append(encoded)
    return {"vars": result.vars, "terms": [_term_code(t) for t in terms], "rows": rows}


def _decode(answer: Mapping[str, Any]) -> QueryResult:
    """Rebuild an answer from its JSON form (``ValueError`` etc. if it is malformed)."""
    if "ask" in answer:
        return QueryResult(ask=bool(answer["ask"]))
    names = [str(name) for name in answer["vars"]]
    terms = [_term(code) for code in answer["terms"]]
    rows = []
    for encoded in answer["rows"]:
        if len(encoded) != len(names):
            raise ValueError("a kept row of another width")
        rows.append({name: terms[i] for name, i in zip(names, encoded, strict=True) if i >= 0})
    return QueryResult(vars=names, rows=rows)


class KeptAnswers:
    """The answers kept for one engine over one set of files (one entry of the cache folder).

    :param entry: the entry's file; it need not exist yet.
    """

    def __init__(self, entry: Path) -> None:
        self.entry = entry
        self._answers: dict[str, Any] | None = None

    @classmethod
    def open(cls, engine: str, files: Sequence[Path]) -> KeptAnswers | None:
        """Return the kept answers of ``engine`` over ``files``, or ``None`` if caching is off.

        ``None`` too when a file cannot be read: the load then reports it as usual.
        """
        folder = paths.cache_dir()
        if folder is None:
            return None
        try:
            key = _entry_key(engine, files)
        except OSError:
            return None
        return cls(folder / "answers" / f"{key}.json")

    def _read(self) -> dict[str, Any]:
        """Return the answers of the entry on disk; empty if it is missing or malformed."""
        try:
            content = json.loads(self.entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            return {}
        answers = content.get("answers")
        return answers if isinstance(answers, dict) else {}

    def get(self, sparql: str, bindings: Mapping[str, Node]) -> QueryResult | None:
        """Return the kept answer to a question, or ``None`` if there is none (or it is bad)."""
        request = _request(sparql, bindings)
        if request is None:
            return None
        if self._answers is None:
            self._answers = self._read()
        answer = self._answers.get(request)
        if answer is None:
            return None
        try:
            return _decode(answer)
        except (KeyError, IndexError, TypeError, ValueError):
            del self._answers[request]  # rewritten with the next answer kept
            return None

    def keep(self, sparql: str, bindings: Mapping[str, Node], result: QueryResult) -> None:
        """Keep an answer (the entry is rewritten in one step); skip what is not kept."""
        request = _request(sparql, bindings)
        encoded = _encode(result) if request is not None else None
        if request is None or encoded is None:
            return
        # Another run may have kept answers since this one read the entry: keep theirs too.
        answers = {**self._read(), **(self._answers or {})}
        rows = sum(len(kept.get("rows", ())) for kept in answers.values() if isinstance(kept, dict))
        if len(answers) >= MAX_ANSWERS or rows + len(encoded.get("rows", ())) > MAX_ENTRY_ROWS:
            return
        answers[request] = encoded
        self._answers = answers
        self._write({"format": FORMAT, "answers": answers})

    def _write(self, content: dict[str, Any]) -> None:
        """Write the entry through a temporary file; drop the oldest entries past the bound."""
        folder = self.entry.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as output:
                    json.dump(content, output, ensure_ascii=False, separators=(",", ":"))
                os.replace(temporary, self.entry)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            entries = sorted(
                folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True
            )
            for old in entries[KEEP_ENTRIES:]:
                old.unlink(missing_ok=True)
        except OSError:
            return


__all__ = ["FORMAT", "KEEP_ENTRIES", "MAX_ANSWERS", "MAX_ENTRY_ROWS", "MAX_ROWS", "KeptAnswers"]
