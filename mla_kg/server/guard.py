"""What a SPARQL request asks for, read before an engine runs it: an update, SERVICE, depth.

The endpoint is read-only and never opens outbound connections, yet pyoxigraph would carry out
both a SPARQL Update and a ``SERVICE`` call if it were handed one. These checks stop them first,
with an explanation. They are the friendly first answer, not the boundary: the workers that run
queries cannot open a network socket at all (:mod:`mla_kg.server.sandbox`).

pyoxigraph's parser and evaluator recurse, and overflow the worker's stack (the process dies
with SIGSEGV) at about 1,000 nested ``CONCAT(``, 2,200 nested ``{`` or 50,000 chained ``!``.
:func:`check_shape` refuses such queries before any engine sees them: at most
:data:`MAX_NESTING` levels of ``{ ( [`` (strings, IRIs and comments aside), at most
:data:`MAX_RAW_NESTING` counting every bracket of the text (so that a disagreement about where
a string ends cannot hide depth), and at most :data:`MAX_OPERATORS` operators and ``UNION`` /
``OPTIONAL`` / ``MINUS`` keywords.

>>> is_update("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }")
True
>>> is_update("BASE <http://example.org/> PREFIX : <x#> DELETE WHERE { ?s ?p ?o }")
True
>>> is_update("SELECT * WHERE { ?s ?p ?o }")
False
>>> uses_federation('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
True
>>> uses_federation('SELECT * { ?s rdfs:label "Service of documents" } # no SERVICE here')
False
>>> nesting_depth('SELECT * { FILTER(?x = "((((") } # {{{{')
2
"""

from __future__ import annotations

import re
from typing import Any

from mla_kg.server.protocol import ProtocolError

#: The operations of SPARQL 1.1 Update; a request starting with one of them changes data.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

# Pieces of query text that cannot hold a keyword: comments, strings (long ones first), IRIs.
_NON_CODE = re.compile(
    r"""\#[^\n\r]*
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>""",
    re.VERBOSE | re.DOTALL,
)
# IRIs are already blanked out when this runs, so the prologue's IRIs may be missing.
_PROLOGUE = re.compile(
    r"\s*(?:BASE(?:\s*<[^>]*>)?|PREFIX\s*[^\s:]*:(?:\s*<[^>]*>)?)", re.IGNORECASE
)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
# SERVICE as a keyword: not part of a longer name, a variable or a prefixed name.
_SERVICE = re.compile(r"(?<![\w:?$\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


#: Deepest nesting of ``{``, ``(`` and ``[`` a query may have (strings, IRIs, comments aside).
MAX_NESTING = 64
#: Deepest nesting counting every bracket of the raw text, strings and comments included.
MAX_RAW_NESTING = 256
#: Most operators and ``UNION`` / ``OPTIONAL`` / ``MINUS`` keywords in one query.
MAX_OPERATORS = 2_000
_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")
_OPERATOR = re.compile(
    r"\|\||&&|!=?|[+*/|^]|(?<![\w:\-])-|(?<![\w:?$])(?:UNION|OPTIONAL|MINUS)(?![\w:])",
    re.IGNORECASE,
)


#: Why a query with ``SERVICE`` is refused (the text check and the sandbox answer alike).
FEDERATION_REFUSED = (
    "SERVICE (federated query) is disabled: this endpoint never opens outbound connections. "
    "Run the SERVICE part against the other endpoint yourself and combine the answers."
)


class QueryTooComplex(ValueError):
    """A query nests deeper, or chains more operators, than the engine can take safely."""


class FederationUnverifiable(ValueError):
    """A query mentions ``service`` and could not be parsed to prove it has no SERVICE call."""


def _unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's ``\uXXXX`` escapes, which count before parsing, to the whole text."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match[0]

    return _CODEPOINT.sub(replace, text)


def _code_only(text: str) -> str:
    """Return ``text`` with comments, strings and IRIs blanked out (each becomes a space)."""
    return _NON_CODE.sub(" ", text)


def is_update(text: str) -> bool:
    """Return whether ``text`` is a SPARQL Update request rather than a query.

    :param text: the request text.
    :returns: True when its first keyword after the prologue is an update operation.
    """
    code = _code_only(_unescape_codepoints(text))
    position = 0
    while match := _PROLOGUE.match(code, position):
        position = match.end()
    word = _FIRST_WORD.match(code, position)
    return bool(word) and word.group(1).upper() in UPDATE_KEYWORDS  # type: ignore[union-attr]


def _has_service_pattern(node: Any) -> bool:
    """Return whether an rdflib parse tree contains a ``ServiceGraphPattern``."""
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_has_service_pattern(value) for value in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service_pattern(item) for item in node)
    return False


def uses_federation(text: str) -> bool:
    """Return whether a query calls out to another endpoint with ``SERVICE``.

    A query that never spells ``service`` cannot call one. One that does is first scanned
    (comments, strings and IRIs aside); if that finds no keyword, rdflib's independent parser
    must confirm it, so that text crafted to hide the keyword from the scan is still caught.

    :param text: the query text.
    :raises FederationUnverifiable: if the text mentions ``service`` but does not parse.
    """
    unescaped = _unescape_codepoints(text)
    if "service" not in text.lower() and "service" not in unescaped.lower():
        return False
    if _SERVICE.search(_code_only(unescaped)):
        return True
    from rdflib.plugins.sparql.parser import parseQuery  # heavy; rarely needed

    try:
        tree = parseQuery(unescaped)
    except Exception as error:  # pyparsing raises several unrelated types
        raise FederationUnverifiable(str(error).splitlines()[0]) from error
    return _has_service_pattern(tree)


def _depth(text: str) -> int:
    """Return the deepest nesting of brackets in ``text`` (closing ones never go below zero)."""
    depth = deepest = 0
    for char in text:
        if char in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSING and depth:
            depth -= 1
    return deepest


def nesting_depth(text: str) -> int:
    """Return how deeply ``{ ( [`` nest in a query, strings, IRIs and comments aside."""
    return _depth(_code_only(_unescape_codepoints(text)))


def check_shape(text: str) -> None:
    """Refuse a query the engine could not parse or run without overflowing its stack.

    :param text: the query text.
    :raises QueryTooComplex: naming the bound that was passed and by how much.
    """
    code = _code_only(_unescape_codepoints(text))
    depth = _depth(code)
    if depth > MAX_NESTING:
        raise QueryTooComplex(
            f"the query nests {{ ( [ {depth} levels deep; this endpoint accepts at most "
            f"{MAX_NESTING}: flatten the groups or split the query"
        )
    raw = _depth(text)
    if raw > MAX_RAW_NESTING:
        raise QueryTooComplex(
            f"the query text has {raw} levels of brackets (counting those in strings and "
            f"comments); this endpoint accepts at most {MAX_RAW_NESTING}"
        )
    operators = sum(1 for _ in _OPERATOR.finditer(code))
    if operators > MAX_OPERATORS:
        raise QueryTooComplex(
            f"the query chains {operators} operators and UNION/OPTIONAL/MINUS keywords; this "
            f"endpoint accepts at most {MAX_OPERATORS}: split the query"
        )


def federation_refused() -> ProtocolError:
    """Return the 403 that answers a query calling ``SERVICE``."""
    return ProtocolError(403, FEDERATION_REFUSED, "Federated query disabled")


def refuse_federation(text: str) -> None:
    """Refuse a query that calls ``SERVICE``, with an explanation (the friendly first answer).

    :raises ProtocolError: 403 when the query calls ``SERVICE``; 400 when it mentions
        ``service`` and cannot be parsed to show that it does not.
    """
    try:
        calls = uses_federation(text)
    except FederationUnverifiable as error:
        raise ProtocolError(
            400,
            f"the query mentions 'service' but cannot be parsed ({error}); SERVICE is "
            "disabled here, so write the query without it",
        ) from None
    if calls:
        raise federation_refused()
