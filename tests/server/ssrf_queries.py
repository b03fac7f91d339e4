"""A seeded generator of SPARQL queries that hide a ``SERVICE`` call to a given URL.

Each query is built from a call (``SERVICE <url> { ... }`` in one of many spellings) placed in a
query among decoys that have fooled text scanners before: comments ended by every line
terminator, escapes in prefixed names and strings, long strings holding quotes and ``#``,
nesting, prefixes and a base that spell the URL, variables. The same seed gives the same
queries, so a failure can be replayed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

#: The bypass reported in the SSRF issue, with ``{url}`` for the listener's URL.
ISSUE_BYPASS = (
    "SELECT * { #\r OPTIONAL { ?s mla:p\\''' } SERVICE <{url}> { ?a ?b ?c } \n "
    "FILTER(?o != '''x''') }"
)
LINE_ENDS = ("\n", "\r", "\r\n", "\u2028", "\u0085", "\u2029", "\x0b", "\x0c")
SPACES = (" ", "\t", "\n", "\r", "\r\n", "  ", "\x0c", "")


def _keyword(rng: random.Random) -> str:
    """Spell the keyword SERVICE in any case, sometimes with a code point escape."""
    letters = [c.upper() if rng.random() < 0.5 else c.lower() for c in "service"]
    if rng.random() < 0.3:
        i = rng.randrange(len(letters))
        letters[i] = (
            f"\\u{ord(letters[i]):04X}" if rng.random() < 0.7 else f"\\U{ord(letters[i]):08x}"
        )
    return "".join(letters)


def _target(rng: random.Random, url: str) -> tuple[str, str]:
    """Return (prologue, endpoint term) naming ``url``: as an IRI, a prefixed name, or via BASE."""
    choice = rng.randrange(5)
    head, _, tail = url.rpartition("/")
    if choice == 0:
        return "", f"<{url}>"
    if choice == 1:
        return f"PREFIX ep: <{head}/>\n", f"ep:{tail}"
    if choice == 2:
        return f"BASE <{head}/>\n", f"<{tail}>"
    if choice == 3:
        escaped = "".join(f"\\u{ord(c):04X}" if rng.random() < 0.2 else c for c in url)
        return "", f"<{escaped}>"
    return f"PREFIX : <{head}/>\n", f":{tail}"


def _decoy(rng: random.Random) -> str:
    """Return a piece of query text meant to confuse a scanner about what is code."""
    end = rng.choice(LINE_ENDS)
    pieces = [
        f"# comment with ''' and \" and < {end}",
        f"#{end}",
        f"# SERVICE in a comment {end}",
        "OPTIONAL { ?s mla:p\\''' }",
        'OPTIONAL { ?s mla:p\\" }',
        "OPTIONAL { ?s mla:a\\.b\\-c ?o }",
        "FILTER(?o != '''x''')",
        'FILTER(?o != """y "" \\""" # not a comment """)',
        "FILTER(?o != 'it\\'s # no comment')",
        'BIND("' + "#'\\\"<>{}" * rng.randint(1, 40) + '" AS ?long)',
        "BIND('''" + "a'b''c #" * rng.randint(1, 200) + "''' AS ?longer)",
        "?s <http://example.org/#x> ?o .",
        "VALUES ?v { 1 2 3 }",
        "{ ?x ?y ?z } UNION { ?x ?y ?z }",
        'FILTER(REGEX(?o, "service", "i"))',
        "?service ?p ?o .",
        "?s mla:service ?o .",
    ]
    return rng.choice(pieces)


def _call(rng: random.Random, endpoint: str) -> str:
    """Return one SERVICE clause (maybe SILENT), its body, and a nesting around it."""
    silent = rng.choice(("", " SILENT", " silent"))
    body = rng.choice(("{ ?a ?b ?c }", "{ ?a ?b ?c } ", "{?a ?b ?c}", "{ SELECT * { ?a ?b ?c } }"))
    call = f"{_keyword(rng)}{silent}{rng.choice(SPACES) or ' '}{endpoint}{rng.choice(SPACES)}{body}"
    for _ in range(rng.randrange(4)):
        call = rng.choice(
            ("{{ {} }}", "OPTIONAL {{ {} }}", "{{ {} }} UNION {{ ?q ?r ?t }}")
        ).format(call)
    return call


def _variable_call(rng: random.Random, url: str) -> str:
    """Return a SERVICE on a variable bound to ``url`` (an engine may or may not support it)."""
    return (
        f"SELECT * {{ VALUES ?ep {{ <{url}> }} {_keyword(rng)} ?ep {{ ?a ?b ?c }} }}"
        if rng.random() < 0.5
        else f"SELECT * {{ BIND(<{url}> AS ?ep) {_keyword(rng)} ?ep {{ ?a ?b ?c }} }}"
    )


def hidden_service_queries(url: str, count: int, seed: int) -> Iterator[str]:
    """Yield ``count`` queries that call ``SERVICE`` on ``url``, the issue's bypass first.

    :param url: the URL the call names (a listener's).
    :param count: how many queries.
    :param seed: the seed of the generator.
    """
    rng = random.Random(seed)
    yield ISSUE_BYPASS.replace("{url}", url)
    for index in range(1, count):
        if index % 50 == 0:
            yield _variable_call(rng, url)
            continue
        prologue, endpoint = _target(rng, url)
        parts = [_decoy(rng) for _ in range(rng.randrange(4))]
        parts.insert(rng.randrange(len(parts) + 1), _call(rng, endpoint))
        where = rng.choice(SPACES).join(parts) or "?s ?p ?o"
        form = rng.choice(("SELECT *", "ASK", "SELECT ?a", "CONSTRUCT { ?a ?b ?c }"))
        yield f"{prologue}{form} WHERE {{ {where} }}"
