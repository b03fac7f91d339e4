"""Which lane a query takes: the lookup lane for provably bounded queries, the pool for the rest.

A public endpoint must stay useful while a few clients send expensive queries. Two measures:

- **The lookup lane.** A query that is one triple pattern with a constant term, whose variables
  are all different, with nothing around it but an optional ``LIMIT``, is never queued behind
  the pool. Its cost is bounded: pyoxigraph answers one pattern by a prefix scan of the index
  that starts with its constants (SPO, POS or OSP), so every entry it reads is a result, and the
  scan stops at the row cap. The classifier (:func:`lookup_pattern`) accepts only a strict
  subset of the SPARQL grammar, written out here token by token, with no comments, escapes,
  quotes other than plain ``"..."`` literals, ``SERVICE`` or anything else it does not
  understand: what it cannot read goes to the pool. It returns the pattern itself, prefixes
  resolved, and the serving process answers it with one index scan
  (:mod:`mla_kg.server.lookups`), without any SPARQL engine: no query text reaches a parser
  there, so nothing in it can execute (``SERVICE`` included) — the pattern's terms are all that
  is read. A pattern whose terms pyoxigraph refuses goes to the lookup worker, which is
  sandboxed and timed like the pool's.
- **A cap per client.** A client may have at most ``per_client`` queries running in the pool at
  once (:class:`ClientSlots`); beyond that it is answered 429 with ``Retry-After``.

>>> lookup_lane("SELECT ?p ?o WHERE { <https://w3id.org/mla-kg/id/state/JP> ?p ?o }")
True
>>> lookup_lane("SELECT * WHERE { ?s ?p ?o }")  # no constant: every triple
False
>>> lookup_lane("SELECT * WHERE { ?s mla:partyTo/mla:x ?o }")  # a path
False
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from mla_kg.namespaces import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_LITERAL_PARTS = re.compile(r'"(?P<value>[^"]*)"(?:@(?P<lang>.+)|\^\^(?P<datatype>.+))?\Z', re.S)


@dataclass(frozen=True)
class PatternTerm:
    """One position of a lookup's triple pattern: a variable, an IRI or a literal.

    :ivar kind: ``variable``, ``iri`` or ``literal``.
    :ivar value: the variable's name (without ``?``), the full IRI, or the lexical form.
    :ivar datatype: a literal's datatype IRI (``None`` with a language tag).
    :ivar lang: a literal's language tag.
    """

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Lookup:
    """A bounded lookup as :func:`lookup_pattern` read it.

    :ivar form: ``SELECT`` or ``ASK``.
    :ivar variables: the projected variables in order (``SELECT *``: sorted by name, as in
        pyoxigraph's answers).
    :ivar pattern: subject, predicate and object.
    :ivar limit: the query's ``LIMIT``, or ``None``.
    """

    form: str
    variables: tuple[str, ...]
    pattern: tuple[PatternTerm, PatternTerm, PatternTerm]
    limit: int | None


_IRI = r"<[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9._~:/?#\[\]@!$&()*+,;=%\-]*>"
_PNAME = r"(?:[A-Za-z][A-Za-z0-9_\-]*)?:[A-Za-z0-9_](?:[A-Za-z0-9_\-]*)"
_VARIABLE = r"[?$][A-Za-z_][A-Za-z0-9_]*"
_LITERAL = (
    r'"[^"\\\r\n\u2028\u2029\u0085]*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:'
    + _IRI
    + "|"
    + _PNAME
    + "))?"
)
_NUMBER = r"[0-9]+"
_TOKEN = re.compile(
    rf"""(?P<iri>{_IRI})
      | (?P<literal>{_LITERAL})
      | (?P<variable>{_VARIABLE})
      | (?P<prefix_decl>PREFIX(?=\s))
      | (?P<keyword>SELECT|WHERE|LIMIT|ASK)(?![A-Za-z0-9_:\-])
      | (?P<a>(?-i:a))(?=\s)  # ``a`` is lower-case only, unlike the keywords
      | (?P<prefix_name>(?:[A-Za-z][A-Za-z0-9_\-]*)?:)(?=[\s<])
      | (?P<pname>{_PNAME})
      | (?P<number>{_NUMBER})(?![A-Za-z0-9_.:])
      | (?P<punct>[{{}}.*])""",
    re.VERBOSE | re.IGNORECASE,
)
_SPACE = re.compile(r"[ \t\r\n]*")
#: The longest text the classifier reads; a longer query goes to the pool.
MAX_LOOKUP_CHARS = 2_000


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """Split ``text`` into (kind, token) pairs, or ``None`` at anything outside the subset."""
    out: list[tuple[str, str]] = []
    position = _SPACE.match(text).end()  # type: ignore[union-attr]
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            return None
        out.append((match.lastgroup, match.group()))
        position = _SPACE.match(text, match.end()).end()  # type: ignore[union-attr]
        if position == match.end() and position < len(text) and match.lastgroup != "punct":
            if text[position] not in "{}.":  # tokens must be apart, except before punctuation
                return None
    return out


def _is_keyword(tokens: list[tuple[str, str]], index: int, word: str) -> bool:
    """Return whether the token at ``index`` is the keyword ``word``."""
    return (
        index < len(tokens) and tokens[index][0] == "keyword" and tokens[index][1].upper() == word
    )


def _prologue(tokens: list[tuple[str, str]], index: int, prefixes: dict[str, str]) -> int | None:
    """Read ``PREFIX p: <iri>`` declarations into ``prefixes``; return the index after them."""
    while index < len(tokens) and tokens[index][0] == "prefix_decl":
        if index + 2 >= len(tokens):
            return None
        name, iri = tokens[index + 1], tokens[index + 2]
        if name[0] != "prefix_name" or iri[0] != "iri":
            return None
        prefixes[name[1][:-1]] = iri[1][1:-1]
        index += 3
    return index


def _head(tokens: list[tuple[str, str]], index: int) -> int | None:
    """Read ``SELECT (* | ?v ...) [WHERE]`` or ``ASK [WHERE]``; return the index of ``{``."""
    if index >= len(tokens) or tokens[index][0] != "keyword":
        return None
    word = tokens[index][1].upper()
    index += 1
    if word == "SELECT":
        if index < len(tokens) and tokens[index] == ("punct", "*"):
            index += 1
        else:
            start = index
            while index < len(tokens) and tokens[index][0] == "variable":
                index += 1
            if index == start:
                return None
    elif word != "ASK":
        return None
    if (
        index < len(tokens)
        and tokens[index][0] == "keyword"
        and tokens[index][1].upper() == "WHERE"
    ):
        index += 1
    return index


def _one_pattern(tokens: list[tuple[str, str]], index: int) -> int | None:
    """Read ``{ s p o [.] }`` with a constant and distinct variables; return the index after."""
    if tokens[index : index + 1] != [("punct", "{")] or len(tokens) < index + 5:
        return None
    subject, predicate, item = tokens[index + 1 : index + 4]
    index += 4
    if index < len(tokens) and tokens[index] == ("punct", "."):
        index += 1
    if tokens[index : index + 1] != [("punct", "}")]:
        return None
    if subject[0] not in ("iri", "pname", "variable"):
        return None
    if predicate[0] not in ("iri", "pname", "variable", "a"):
        return None
    if item[0] not in ("iri", "pname", "variable", "literal", "number"):
        return None
    variables = [t[1][1:] for t in (subject, predicate, item) if t[0] == "variable"]
    if len(variables) == 3 or len(set(variables)) != len(variables):
        return None  # no constant (every triple), or a repeated variable (a filtering scan)
    return index + 1


def lookup_lane(text: str) -> bool:
    """Return whether a query is a bounded lookup the lookup lane may answer.

    :param text: the query text.
    """
    return lookup_pattern(text) is not None


def lookup_pattern(text: str) -> Lookup | None:
    """Return the bounded lookup a query is, or ``None`` for any other query.

    Accepted: an optional prologue of ``PREFIX`` declarations, ``SELECT * | ?v ...`` or ``ASK``,
    an optional ``WHERE``, one triple pattern in braces with at least one constant term and no
    variable twice, and an optional ``LIMIT n``. Anything else (and anything this function does
    not understand: an undeclared prefix, a variable projected twice) is refused.

    :param text: the query text.
    """
    if len(text) > MAX_LOOKUP_CHARS:
        return None
    tokens = _tokens(text)
    if not tokens:
        return None
    prefixes = dict(PREFIXES)
    index = _prologue(tokens, 0, prefixes)
    head = None if index is None else _head(tokens, index)
    index = None if head is None else _one_pattern(tokens, head)
    if index is None or head is None:
        return None
    limit = None
    if _is_keyword(tokens, index, "LIMIT"):
        if not (tokens[index + 1 : index + 2] and tokens[index + 1][0] == "number"):
            return None
        limit = int(tokens[index + 1][1])
        index += 2
    if index != len(tokens):
        return None
    return _lookup(tokens, head, prefixes, limit)


def _lookup(
    tokens: list[tuple[str, str]], brace: int, prefixes: dict[str, str], limit: int | None
) -> Lookup | None:
    """Build the :class:`Lookup` of an accepted query whose pattern opens at ``brace``."""
    try:
        pattern = tuple(_pattern_term(token, prefixes) for token in tokens[brace + 1 : brace + 4])
    except (KeyError, ValueError):  # an undeclared prefix, an odd number: for the engine
        return None
    form = tokens[_first_keyword(tokens)][1].upper()
    in_pattern = tuple(term.value for term in pattern if term.kind == "variable")
    projected = tuple(t[1][1:] for t in tokens[:brace] if t[0] == "variable")
    if form == "ASK":
        if limit is not None:
            return None
        projected = ()
    elif not projected:
        projected = tuple(sorted(in_pattern))  # SELECT *: by name, as pyoxigraph orders them
    if len(set(projected)) != len(projected):
        return None
    return Lookup(form, projected, pattern, limit)  # type: ignore[arg-type]


def _first_keyword(tokens: list[tuple[str, str]]) -> int:
    """Return the index of the first keyword (``SELECT`` or ``ASK``) after the prologue."""
    return next(i for i, token in enumerate(tokens) if token[0] == "keyword")


def _expand(name: str, prefixes: dict[str, str]) -> str:
    """Return the IRI of a prefixed name. :raises KeyError: for an undeclared prefix."""
    prefix, _, local = name.partition(":")
    return prefixes[prefix] + local


def _pattern_term(token: tuple[str, str], prefixes: dict[str, str]) -> PatternTerm:
    """Return the term a token of the pattern stands for (prefixes resolved)."""
    kind, text = token
    if kind == "variable":
        return PatternTerm("variable", text[1:])
    if kind == "iri":
        return PatternTerm("iri", text[1:-1])
    if kind == "pname":
        return PatternTerm("iri", _expand(text, prefixes))
    if kind == "a":
        return PatternTerm("iri", RDF_TYPE)
    if kind == "number":
        if text != str(int(text)):  # leading zeros: how the engine matches them is its call
            raise ValueError(text)
        return PatternTerm("literal", text, XSD_INTEGER)
    parts = _LITERAL_PARTS.match(text)
    assert parts is not None  # the token grammar has matched it already
    datatype = parts["datatype"]
    if datatype is None:
        return PatternTerm(
            "literal", parts["value"], None if parts["lang"] else XSD_STRING, parts["lang"]
        )
    iri = datatype[1:-1] if datatype.startswith("<") else _expand(datatype, prefixes)
    return PatternTerm("literal", parts["value"], iri)


class TooManyQueries(Exception):
    """A client already has its share of expensive queries running."""


class ClientSlots:
    """Count the expensive queries each client has running; refuse one past the cap.

    :param per_client: the most a client may have running at once (0: no cap).
    """

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._running: Counter[str] = Counter()

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """Hold one slot of ``client`` for the duration of the block.

        :raises TooManyQueries: when the client already holds ``per_client`` slots.
        """
        if self.per_client and self._running[client] >= self.per_client:
            raise TooManyQueries(client)
        self._running[client] += 1
        try:
            yield
        finally:
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]

    def status(self) -> dict[str, int]:
        """Return, for ``/health``, the clients with queries running and the queries they hold."""
        return {
            "per_client_cap": self.per_client,
            "clients_running": len(self._running),
            "queries_running": sum(self._running.values()),
            "clients_at_cap": sum(1 for n in self._running.values() if n >= self.per_client),
        }
