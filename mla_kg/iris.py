"""The IRI grammar of the graph: slugs and local names, and subdivisions in printed order.

Instruments are ``https://w3id.org/mla-kg/id/instrument/<id>``; their subdivisions extend that
path (``.../art/11/para/1/point/b``, ``.../annex/IV/entry/PT``); sources are
``https://w3id.org/mla-kg/id/source/<slug>``; ontology terms are ``mla:<local name>``.

>>> slug("https://w3id.org/mla-kg/id/source/eu-jp-mla-s12")
'eu-jp-mla-s12'
>>> local_name("https://w3id.org/mla-kg/ontology#recalled")
'recalled'
"""

from __future__ import annotations

from typing import Any

from rdflib.term import Node

from mla_kg.namespaces import MLA

# Subdivision kinds in the order an instrument prints them: articles, annexes, the rest.
_SEGMENT_RANK = {"art": 0, "annex": 1, "unplaced": 2}


def slug(iri: Node | str) -> str:
    """Return the last path segment of an IRI (a source's or State's key), trailing slash aside.

    >>> slug("https://w3id.org/mla-kg/id/state/JP/")
    'JP'
    """
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def local_name(iri: Node | str) -> str:
    """Return the part of an IRI after its last ``#`` (the whole IRI if it has none)."""
    return str(iri).rsplit("#", 1)[-1]


def mla_name(term: Node | None) -> str:
    """Return the local name of an ``mla:`` term, any other term's text, ``""`` when unbound.

    >>> mla_name(MLA.recalled), mla_name(None)
    ('recalled', '')
    """
    text = "" if term is None else str(term)
    return text[len(str(MLA)) :] if text.startswith(str(MLA)) else text


def provision_key(iri: str) -> tuple[Any, ...]:
    """Return a sort key that orders subdivision IRIs as an instrument prints them.

    Articles come before annexes and unplaced provisions; numbers sort as numbers.

    >>> base = "https://w3id.org/mla-kg/id/instrument/eu-jp-mla/"
    >>> iris = [base + "annex/IV/entry/PT", base + "art/11/para/1", base + "art/2"]
    >>> [iri[len(base):] for iri in sorted(iris, key=provision_key)]
    ['art/2', 'art/11/para/1', 'annex/IV/entry/PT']
    """
    parts: list[tuple[int, int, str]] = []
    for segment in iri.split("/"):
        if segment in _SEGMENT_RANK:
            parts.append((0, _SEGMENT_RANK[segment], segment))
        elif segment.isdigit():
            parts.append((1, int(segment), segment))
        else:
            parts.append((2, 0, segment))
    return tuple(parts)


def sibling_key(iri: str, parent: str, order: float) -> tuple[Any, ...]:
    """Return the sort key of a subdivision among its parent's parts, as the instrument prints them.

    Articles, then annexes, then unplaced provisions (by the IRI segment under ``parent``), each
    kind by its ``order``, then by :func:`provision_key`. The one outline
    (:mod:`mla_kg.compare.outline`), which the CLI prints and the server's pages render, sorts
    with it.

    >>> base = "https://w3id.org/mla-kg/id/instrument/eu-jp-mla"
    >>> parts = [(base + "/annex/I", 1.0), (base + "/art/2", 2.0), (base + "/art/1", 1.0)]
    >>> parts.sort(key=lambda part: sibling_key(part[0], base, part[1]))
    >>> [iri[len(base) :] for iri, _ in parts]
    ['/art/1', '/art/2', '/annex/I']
    """
    segment = iri[len(parent) + 1 :].split("/")[0] if iri.startswith(parent + "/") else ""
    return (_SEGMENT_RANK.get(segment, 3), order, provision_key(iri))


def subdivision_anchor(iri: str) -> str:
    """Return the fragment id of a subdivision on its instrument's page, ``""`` for other IRIs.

    >>> subdivision_anchor("https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11/para/1")
    'art-11-para-1'
    """
    parts = iri.split("/")
    return "-".join(parts[parts.index("instrument") + 2 :]) if "instrument" in parts else ""


__all__ = [
    "local_name",
    "mla_name",
    "provision_key",
    "sibling_key",
    "slug",
    "subdivision_anchor",
]
