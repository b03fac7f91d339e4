"""Sources as a reader meets them: a short name in a table, key and address in its legend.

A cell names a source by its short name (``mla:shortName``: ``Trb. 2002, 30``, ``Weyembergh &
Wieczorek 2020``, ``HL Paper 153, paras 30-32``), which the research gives or the generator
derives. The legend lists each source once, with its kind, its address and its key as the
research sheet writes it (``s_nl in research/eu-us-mla.yaml``): the one spelling a reader
looks up. One document cited by several sheets (a book chapter, a parliamentary report) has one
name and one address, so the legend gives it one line with every key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mla_kg.iris import slug
from mla_kg.namespaces import SOURCE

if TYPE_CHECKING:
    from mla_kg.graph.store import GraphStore


@dataclass(frozen=True)
class Source:
    """A source as a table shows it.

    :ivar iri: the source's IRI.
    :ivar key: its key as the research writes it (``s_nl``, ``seed``).
    :ivar sheet: the research file that cites it under that key (``eu-us-mla``), or ``None``
        for a source every sheet shares (the seed article).
    :ivar name: the short name a table shows (unique within one table).
    :ivar title: what the source is, as the research describes it.
    :ivar urls: its addresses (a relative path names a project research input).
    :ivar kind: ``official``, ``scholarly``, ``non-official`` or ``research-record``.
    :ivar citation: its bibliographic citation, where the research records one.
    :ivar short_name: the name the graph gives (``mla:shortName``); ``name`` is it, told apart
        from another document's where two in one table share it.
    """

    iri: str
    key: str
    sheet: str | None
    name: str
    title: str = ""
    urls: tuple[str, ...] = ()
    kind: str = ""
    citation: str = ""
    short_name: str = ""

    def __post_init__(self) -> None:
        """Keep the name the graph gives (``name`` may gain a sheet and key in a table)."""
        if not self.short_name:
            object.__setattr__(self, "short_name", self.name)

    @property
    def url(self) -> str:
        """Return the source's first address (empty when it has none)."""
        return self.urls[0] if self.urls else ""

    @property
    def lookup(self) -> str:
        """Return where a reader finds the source: ``s_nl in research/eu-us-mla.yaml``."""
        if self.kind == "research-record" and self.sheet:
            return f"research/{self.sheet}.yaml itself (no external source)"
        if self.sheet:
            return f"{self.key} in research/{self.sheet}.yaml"
        return f"{self.key} (every fact sheet)"

    def to_dict(self) -> dict[str, Any]:
        """Return the source as JSON-ready data."""
        return {
            "name": self.name,
            "short_name": self.short_name,
            "key": self.key,
            "sheet": self.sheet,
            "title": self.title,
            "url": self.url,
            "urls": list(self.urls),
            "kind": self.kind,
            "citation": self.citation,
        }

    @classmethod
    def from_dict(cls, iri: str, data: Mapping[str, Any]) -> Source:
        """Rebuild a source from :meth:`to_dict`."""
        urls = data.get("urls") or ([data["url"]] if data.get("url") else [])
        return cls(
            iri=iri,
            key=str(data["key"]),
            sheet=data.get("sheet"),
            name=str(data.get("short_name") or data["name"]),
            title=str(data.get("title") or ""),
            urls=tuple(str(u) for u in urls),
            kind=str(data.get("kind") or ""),
            citation=str(data.get("citation") or ""),
        )


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend's sources: a document, with every key citing it.

    :ivar name: the short name the cells show.
    :ivar sources: the sources (one per key) that are this document.
    """

    name: str
    sources: tuple[Source, ...]

    @property
    def first(self) -> Source:
        """Return the first of the sources (they share name, kind and addresses)."""
        return self.sources[0]

    @property
    def keys(self) -> str:
        """Return the keys: ``key s_nl in research/eu-us-mla.yaml; key s7 in ...``."""
        lookups = [s.lookup for s in self.sources]
        if self.first.kind == "research-record":
            return "; ".join(lookups)
        return "; ".join(f"key {lookup}" for lookup in lookups)

    @property
    def kind(self) -> str:
        """Return the kind of source in words."""
        return "the project's research" if self.first.kind == "research-record" else self.first.kind

    @property
    def addresses(self) -> tuple[str, ...]:
        """Return where the document can be read (a research record's sheet is in the keys)."""
        return () if self.first.kind == "research-record" else self.first.urls

    def text(self) -> str:
        """Return the entry as a line of text: name, kind, citation, addresses and keys."""
        parts = [self.kind] if self.kind else []
        if self.first.citation:
            parts.append(self.first.citation)
        parts += list(self.addresses)
        parts.append(self.keys)
        return f"{self.name}: " + "; ".join(parts)


def sheet_of(iri: str, key: str) -> str | None:
    """Return the research file whose key a source is, read from its IRI.

    A sheet's own source has the IRI ``source:<sheet>-<key>`` (``_`` written ``-``), the
    sheet's research record ``source:research-<sheet>``; a shared source ``source:<key>``.

    >>> sheet_of("https://w3id.org/mla-kg/id/source/eu-us-mla-s-nl", "s_nl")
    'eu-us-mla'
    >>> sheet_of("https://w3id.org/mla-kg/id/source/research-jp-us-mlat", "research-jp-us-mlat")
    'jp-us-mlat'
    >>> sheet_of("https://w3id.org/mla-kg/id/source/seed", "seed") is None
    True
    """
    name = iri[len(str(SOURCE)) :] if iri.startswith(str(SOURCE)) else slug(iri)
    if name == key and key.startswith("research-"):
        return key[len("research-") :]
    tail = "-" + key.replace("_", "-")
    if name.endswith(tail) and len(name) > len(tail):
        return name[: -len(tail)]
    return None


def catalogue(kg: GraphStore, iris: Iterable[str] | None = None) -> dict[str, Source]:
    """Return the sources of the graph by IRI (named query ``sources``).

    :param iris: only these sources (what a comparison cites: a few dozen of the graph's
        hundreds, which at 100k triples makes the difference between 15 ms and 1 ms);
        ``None`` for every source, kept per graph.
    """
    cache = kg.derived("sources") if iris is None else None
    if cache is not None and "all" in cache:
        return cache["all"]
    wanted = {} if iris is None else {"source": sorted(set(iris))}
    if iris is not None and not wanted["source"]:
        return {}
    rows: dict[str, dict[str, Any]] = {}
    for row in kg.run("sources", **wanted).rows:
        iri = str(row["source"])
        found = rows.setdefault(iri, {"urls": [], **{k: str(v) for k, v in row.items()}})
        if row.get("url") is not None and str(row["url"]) not in found["urls"]:
            found["urls"].append(str(row["url"]))
    sources = {}
    for iri, row in rows.items():
        key = row["key"]
        sources[iri] = Source(
            iri=iri,
            key=key,
            sheet=sheet_of(iri, key),
            name=row.get("shortName") or key,
            title=row.get("title", ""),
            urls=tuple(row["urls"]),
            kind=row.get("kind", ""),
            citation=row.get("citation", ""),
        )
    if cache is not None:
        cache["all"] = sources
    return sources


def unknown_source(iri: str) -> Source:
    """Return a source the graph does not describe, named by its IRI's last segment."""
    return Source(iri=iri, key=slug(iri), sheet=None, name=slug(iri))


def load_sources(kg: GraphStore, iris: Iterable[str]) -> dict[str, Source]:
    """Return the sources of these IRIs by IRI, as the graph names them (see :func:`distinct`)."""
    cited = sorted(set(iris))
    known = catalogue(kg, cited)
    return {iri: known.get(iri) or unknown_source(iri) for iri in cited}


def distinct(sources: Mapping[str, Source]) -> dict[str, Source]:
    """Return the sources sorted by name, two documents that share a name told apart.

    Sources with one name and the same addresses are one document and keep the name; a name
    shared by documents at different addresses gets the citing sheet and key added
    (``MOFA (eu-jp-mla s8)``).
    """
    addresses: dict[str, set[tuple[str, ...]]] = {}
    for source in sources.values():
        addresses.setdefault(source.short_name, set()).add(source.urls)
    named = {}
    for iri, source in sources.items():
        name = source.short_name
        if len(addresses[name]) > 1:
            name += f" ({source.sheet} {source.key})" if source.sheet else f" ({source.key})"
        named[iri] = replace(source, name=name)
    return dict(sorted(named.items(), key=lambda item: (item[1].name.lower(), item[0])))


def legend_entries(sources: Mapping[str, Source]) -> list[LegendEntry]:
    """Return the legend's sources: one entry per document, in the order of their names."""
    grouped: dict[tuple[str, tuple[str, ...]], list[Source]] = {}
    for source in sources.values():
        grouped.setdefault((source.name, source.urls), []).append(source)
    return [LegendEntry(name, tuple(group)) for (name, _), group in grouped.items()]
