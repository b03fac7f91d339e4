"""Small pure text helpers: slugs, whitespace, roman numerals, authority lists."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

ROMAN = re.compile(r"^[IVXLCDM]+$")


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split(),
        start=1,
    )
}


STOP_WORDS = {"the", "of", "at", "for", "in", "and", "or", "to", "a", "an", "by", "on", "with"}


def slug(text: str) -> str:
    """Return a path segment: lower-case letters, digits and '-'.

    >>> slug("2-3 (approx.)")
    '2-3-approx'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "")).strip("-")


#: The most characters of a derived short name (cut at a word, marked with an ellipsis).
SHORT_NAME_LENGTH = 48

#: Marks that open some descriptions and say nothing about which document it is.
_LEAD_MARKS = re.compile(
    r"^(?:NOT OFFICIAL|NOT RELIABLE)\s*:\s*|^Reproduction \(not official\)(?:,| of)(?: the)?\s*"
)


def source_short_name(what: str, url: str | None) -> str:
    """Return the short name a table shows for a source without ``short_name`` in its sheet.

    A Dutch treaty record is named by its database and record number, a Dutch Treaty Series
    entry by its citation; any other source by the head of its description (up to the first
    colon, dash, semicolon, comma or bracket), cut at a word after 48 characters.

    >>> source_short_name("Dutch government treaty database ...", "https://wetten.overheid.nl/BWBV0004049")
    'wetten.overheid.nl BWBV0004049'
    >>> source_short_name("Dutch Treaty Series ...", "https://zoek.officielebekendmakingen.nl/dossier/trb-2002-30.html")
    'Trb. 2002, 30'
    >>> source_short_name("NOT OFFICIAL: news report on the signing, 2009", None)
    'news report on the signing'
    """
    record = re.search(r"wetten\.overheid\.nl/(BWBV\d+)", url or "")
    if record:
        return f"wetten.overheid.nl {record.group(1)}"
    series = re.search(r"trb-(\d{4})-(\d+)", url or "")
    if series:
        return f"Trb. {series.group(1)}, {series.group(2)}"
    text = _LEAD_MARKS.sub("", " ".join(what.split()))
    head = re.split(r": | - | — |; | \(|, ", text, maxsplit=1)[0].strip() or text
    if len(head) > SHORT_NAME_LENGTH:
        head = head[:SHORT_NAME_LENGTH].rsplit(" ", 1)[0] + "…"
    return head


def annex_segment(number: str) -> str:
    """Return the IRI segment of an annex: roman numerals stay upper-case, others are slugged."""
    return number if ROMAN.match(number) else slug(number)


def label_slug(label: str, words: int = 6) -> str:
    """Return a short slug of a body's name (text before any parenthesis or comma).

    >>> label_slug("Drug Enforcement Administration attachés at the US embassy (DEA matters)")
    'drug-enforcement-administration-attaches'
    """
    head = re.split(r"[(;,]", label, maxsplit=1)[0]
    kept = slug(head).split("-")[:words]
    while kept and kept[-1] in STOP_WORDS:
        kept.pop()
    return "-".join(kept)


def has_japanese(text: str) -> bool:
    """Tell whether a string contains Japanese script (kana or CJK ideographs)."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def as_text(value: Any) -> str:
    """Render a YAML scalar as text (dates as ISO strings)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def norm_space(text: str) -> str:
    """Collapse runs of whitespace (YAML folded scalars keep line ends)."""
    return re.sub(r"\s+", " ", text).strip()


def version_short(label: str) -> str:
    """Return the short name of an annex version ('original', 'proposed 2022 replacement')."""
    return label.split(" (", 1)[0]


def parse_authorities(text: str) -> list[dict[str, str]]:
    """Split an authority text on '; ' into bodies, reading 'phase: body' prefixes.

    >>> parse_authorities("Pre-trial until prosecution: State Police; at trial: Ministry of Justice")
    [{'label': 'State Police', 'phase': 'investigation', 'phase_as_written': 'Pre-trial until prosecution'}, {'label': 'Ministry of Justice', 'phase': 'trial', 'phase_as_written': 'at trial'}]
    """  # noqa: E501
    bodies = []
    for part in (p.strip() for p in text.split("; ")):
        match = re.match(r"^([^:]{3,60}):\s+(.+)$", part)
        phase = normalise_phase(match.group(1)) if match else None
        if match and phase:
            bodies.append(
                {"label": match.group(2), "phase": phase, "phase_as_written": match.group(1)}
            )
        else:
            bodies.append({"label": part})
    return bodies


def normalise_phase(text: str) -> str | None:
    """Map a described stage of proceedings to 'investigation', 'pre-trial' or 'trial'."""
    low = text.lower()
    if "until prosecution" in low or "investigation" in low:
        return "investigation"
    if "pre-trial" in low or "before" in low:
        return "pre-trial"
    if "trial" in low or low.strip() == "after" or "court" in low:
        return "trial"
    return None


ROMAN_SMALL = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
