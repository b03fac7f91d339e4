"""Citing an instrument or a provision: an OSCOLA-style string, BibTeX, CSL-JSON, a link.

Built only from what the graph records of the instrument (title, signature, entry into force,
publication, official text): an element the graph does not record is left out, never guessed.
The forms follow OSCOLA (4th ed.) for treaties and EU instruments:

- an EU agreement or act published in the Official Journal:
  ``Title [2010] OJ L39/20, art 11(1)``;
- another treaty: ``Title (signed 20 April 1959, entered into force 12 June 1962) ETS No 30,
  art 2(a)``.

A link to the official text points at the article where the address is a EUR-Lex page (its HTML
rendering marks articles with ``art_N`` anchors for many acts; elsewhere the page opens at the
top); otherwise at the document.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_OJ = re.compile(r"OJ\s+([LC])\s+(\d+)\s*,\s*\d{1,2}\.\d{1,2}\.(\d{4})\s*,\s*p\.\s*(\d+)")
_ETS = re.compile(r"European Treaty Series No\.?\s*(\d+)")
_CELEX = re.compile(r"CELEX(?::|%3A)([0-9A-Z()%]+)", re.I)
_ARTICLE = re.compile(r"^Art\s+(\d+[a-z]?)")


@dataclass
class InstrumentFacts:
    """What the graph records of an instrument that a citation uses (empty: not recorded)."""

    id: str
    iri: str
    title: str
    short_title: str = ""
    signed: str = ""  # ISO date
    in_force: str = ""  # ISO date
    publication: str = ""  # as recorded, e.g. "OJ L 39, 12.2.2010, p. 20-35"
    official_texts: list[str] = field(default_factory=list)


def _long_date(iso: str) -> str:
    """Return ``20 April 1959`` for ``1959-04-20`` (the text as given if it is not a date)."""
    try:
        day = datetime.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def pinpoint(citation: str) -> str:
    """Return a provision's citation as OSCOLA writes a pinpoint.

    >>> pinpoint("Art 11(1)(b)"), pinpoint("Annex IV"), pinpoint("Art 13 [1]")
    ('art 11(1)(b)', 'annex IV', 'art 13')
    """
    text = re.sub(r"\s*\[\d+\]", "", citation).strip()
    for word in ("Art", "Annex"):
        if text.startswith(word + " "):
            return word.lower() + text[len(word) :]
    return text


def _series(publication: str) -> tuple[str, bool]:
    """Return the publication in OSCOLA form, and whether it is the Official Journal."""
    oj = _OJ.search(publication)
    if oj:
        series, number, year, page = oj.groups()
        return f"[{year}] OJ {series}{number}/{page}", True
    ets = _ETS.search(publication)
    if ets:
        return f"ETS No {ets.group(1)}", False
    return publication.split(";")[0].strip(), False


def oscola(facts: InstrumentFacts, citation: str | None = None) -> str:
    """Return the OSCOLA-style citation of the instrument, pinpointed to a provision if given.

    >>> facts = InstrumentFacts("eu-jp-mla", "", "Agreement between the European Union and "
    ...     "Japan on mutual legal assistance in criminal matters", signed="2009-11-30",
    ...     publication="OJ L 39, 12.2.2010, p. 20-35")
    >>> oscola(facts, "Art 11(1)")[-44:]
    'criminal matters [2010] OJ L39/20, art 11(1)'
    >>> oscola(InstrumentFacts("x", "", "European Convention on Mutual Assistance in Criminal "
    ...     "Matters", signed="1959-04-20", in_force="1962-06-12",
    ...     publication="European Treaty Series No. 30"), "Art 2(a)")[61:]
    '(signed 20 April 1959, entered into force 12 June 1962) ETS No 30, art 2(a)'
    """
    series, official_journal = _series(facts.publication) if facts.publication else ("", False)
    parts = [facts.title]
    if not official_journal:
        dates = [f"signed {_long_date(facts.signed)}"] if facts.signed else []
        dates += [f"entered into force {_long_date(facts.in_force)}"] if facts.in_force else []
        if dates:
            parts.append(f"({', '.join(dates)})")
    if series:
        parts.append(series)
    text = " ".join(parts)
    return f"{text}, {pinpoint(citation)}" if citation else text


def official_link(facts: InstrumentFacts, citation: str | None = None) -> str | None:
    """Return the official text's address, at the article where the site marks articles.

    >>> page = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:22010A0212(01)"
    >>> official_link(InstrumentFacts("eu-jp-mla", "", "t", official_texts=[page]), "Art 11(1)")
    'https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:22010A0212(01)#art_11'
    """
    if not facts.official_texts:
        return None
    english = [u for u in facts.official_texts if "/EN/" in u] or facts.official_texts
    url = english[0]
    celex = _CELEX.search(url)
    if "eur-lex.europa.eu" in url and celex:
        article = _ARTICLE.match(citation or "")
        page = f"https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:{celex.group(1)}"
        return page + (f"#art_{article.group(1)}" if article else "")
    return url


def _year(iso: str) -> str:
    return iso[:4] if re.match(r"\d{4}", iso) else ""


def bibtex(facts: InstrumentFacts) -> str:
    """Return a BibTeX entry (``@misc``, which every style accepts) for the instrument."""
    fields = [("title", "{" + facts.title + "}")]
    year = _year(facts.signed) or _year(facts.in_force)
    if year:
        fields.append(("year", year))
    notes = []
    if facts.signed:
        notes.append(f"Signed {_long_date(facts.signed)}")
    if facts.in_force:
        notes.append(f"entered into force {_long_date(facts.in_force)}")
    if facts.publication:
        notes.append(facts.publication)
    if notes:
        fields.append(("note", "; ".join(notes)))
    link = official_link(facts)
    if link:
        fields.append(("url", link))
    key = "mla-kg:" + facts.id
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def csl_json(facts: InstrumentFacts) -> str:
    """Return a CSL-JSON item (type ``treaty``) for the instrument, for Zotero and Pandoc."""
    item: dict[str, object] = {"id": facts.id, "type": "treaty", "title": facts.title}
    if facts.short_title:
        item["title-short"] = facts.short_title
    if facts.signed and re.match(r"\d{4}-\d{2}-\d{2}", facts.signed):
        year, month, day = (int(p) for p in facts.signed[:10].split("-"))
        item["issued"] = {"date-parts": [[year, month, day]]}
    if facts.publication:
        item["container-title"] = facts.publication
    if facts.in_force:
        item["note"] = f"Entered into force {_long_date(facts.in_force)}"
    link = official_link(facts)
    if link:
        item["URL"] = link
    return json.dumps([item], ensure_ascii=False, indent=2)
