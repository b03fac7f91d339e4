"""``mla-kg verify --write``: record in ``research/<id>.yaml`` what an official text confirms.

Never silently, never more than the text shows. For each article of the sheet that the text has:

- a heading the text prints in its language and the sheet lacks is added as printed, ``official``;
- a heading the text confirms is marked ``official`` (and takes the text's typography);
- the article's own status becomes ``official`` when the text confirms its number, heading and
  every paragraph and point the sheet lists for it, and the article carries no ``subject`` (an
  own-words label the text does not show). Headings in other languages keep their status: one
  they took from the article's status gets it written out, so it is not upgraded with it.

The official record (a key of the sheet's ``sources``, ideally with ``derived_from`` naming the
copy read) joins the article's sources. Paragraph and point statuses are never changed: they
cover summaries, which a text can only confirm by a person reading the paragraph. A heading that
differs is left alone and listed. The file is edited line by line (comments and layout stay);
the result is parsed again and must equal the intended change, or nothing is written.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from mla_kg.paths import RESEARCH_DIR

from .errors import RecordError
from .verify import Report, same_heading

_HEADING_KEYS = {"en": "heading", "nl": "heading_nl", "fr": "heading_fr"}


def _status_key(article: dict[str, Any], lang: str) -> str:
    if lang == "en":
        return "heading_en_status" if "heading_en_status" in article else "heading_status"
    return f"{_HEADING_KEYS[lang]}_status"


def _sources(value: Any) -> list[str]:
    parts = value if isinstance(value, list) else [] if value is None else [value]
    return [k.strip() for p in parts for k in re.split(r"[;,]", str(p)) if k.strip()]


def _has_mismatch(report: Report, citation: str) -> bool:
    # An explained difference still means the text does not confirm the article as a whole.
    cited = [m.citation for m in report.mismatches] + [e["citation"] for e in report.explained]
    return any(c == citation or c.startswith((f"{citation}(", f"{citation} ")) for c in cited)


def _plan_article(
    article: dict[str, Any], report: Report, lang: str, source: str
) -> tuple[dict[str, Any], list[str]]:
    """Return the article's new keys and one line per change (empty: nothing to record)."""
    number = str(article.get("number", "")).strip()
    citation = f"Art {number}"
    text = report.text.article(number)
    if text is None:
        return {}, []
    changes: dict[str, Any] = {}
    lines: list[str] = []
    key = _HEADING_KEYS[lang]
    status_key = _status_key(article, lang)
    heading_ok = citation in report.confirmed_citations
    recorded = article.get(key)
    if text.heading and recorded is None:
        changes[key], changes[status_key] = text.heading, "official"
        lines.append(f"{citation}: {key} added as printed: {text.heading!r}")
        lines.append(f"{citation}: {status_key} official")
        heading_ok = True
    elif text.heading and recorded is not None and same_heading(str(recorded), text.heading):
        if recorded != text.heading:
            changes[key] = text.heading
            lines.append(f"{citation}: {key} {recorded!r} -> {text.heading!r} (as printed)")
        if article.get(status_key, article.get("status")) != "official":
            changes[status_key] = "official"
            lines.append(f"{citation}: {status_key} -> official")
    elif text.heading and recorded is not None:
        lines.append(f"{citation}: left alone: {key} {recorded!r}, text {text.heading!r}")
    whole = heading_ok and not _has_mismatch(report, citation)
    if whole and article.get("status") != "official":
        if article.get("subject"):
            lines.append(f"{citation}: status left {article.get('status')}: it has a subject")
        else:
            for other, other_key in _HEADING_KEYS.items():
                pinned = _status_key(article, other)
                if other != lang and other_key in article and pinned not in article:
                    changes[pinned] = article.get("status")
                    lines.append(
                        f"{citation}: {pinned} {article.get('status')} written out "
                        f"(the {other} heading keeps its status)"
                    )
            changes["status"] = "official"
            lines.append(f"{citation}: status {article.get('status')} -> official")
    if changes:
        keys = _sources(article.get("source"))
        if source not in keys:
            changes["source"] = [*keys, source]
            lines.append(f"{citation}: source + {source}")
    return changes, lines


def _item_spans(lines: list[str]) -> list[tuple[int, int, int]]:
    """Return (start, end, indent) of each item of the top-level block list ``articles:``."""
    top = next((i for i, line in enumerate(lines) if line.rstrip() == "articles:"), None)
    if top is None:
        return []
    starts: list[int] = []
    indent = None
    end = len(lines)
    for i in range(top + 1, len(lines)):
        stripped = lines[i].lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        width = len(lines[i]) - len(stripped)
        if indent is None:
            if not stripped.startswith("- "):
                return []  # not a block list
            indent = width
        if width < indent or (width == indent and not stripped.startswith("- ")):
            end = i
            break
        if width == indent:
            starts.append(i)
    bounds = [*starts[1:], end]
    return [(s, e, indent or 0) for s, e in zip(starts, bounds, strict=True)]


def _edit_item(lines: list[str], start: int, end: int, indent: int, changes: dict) -> list[str]:
    """Return the item's lines with ``changes`` applied (keys replaced or inserted)."""
    item = lines[start:end]
    pad = " " * (indent + 2)
    for key, value in changes.items():
        rendered = f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}\n"
        at = None
        for i, line in enumerate(item):
            body = line[indent + 2 :]
            if (line.startswith(pad) or i == 0) and re.match(rf"{re.escape(key)}:(\s|$)", body):
                at = i
                break
        if at is None:
            # After the first key (the dash line and its continuation lines).
            after = 1
            while after < len(item) and len(item[after]) - len(item[after].lstrip()) > indent + 2:
                after += 1
            item.insert(after, rendered)
            continue
        stop = at + 1
        while stop < len(item) and (
            item[stop].strip() and len(item[stop]) - len(item[stop].lstrip()) > indent + 2
        ):
            stop += 1
        first = f"{' ' * indent}- " if at == 0 else pad
        item[at:stop] = [first + rendered[len(pad) :]]
    return lines[:start] + item + lines[end:]


def record(report: Report, source: str, research_dir: Path = RESEARCH_DIR) -> list[str]:
    """Write what ``report`` confirms into the instrument's research file; return the changes.

    :param report: a verification report.
    :param source: the key, in the sheet's ``sources``, of the official record the text is.
    :raises RecordError: no research file, an unknown source key, a text language without
        heading keys, or an edit that would not parse back as intended (nothing is written).
    """
    path = research_dir / f"{report.instrument}.yaml"
    try:
        import yaml  # a checkout's tool: PyYAML comes with the test extra
    except ImportError:  # pragma: no cover - the test extra installs it
        raise RecordError(path, "--write needs PyYAML: pip install -e '.[test]'") from None
    if not path.is_file():
        raise RecordError(path, "no such research file (--write needs a checkout)")
    lang = report.text.language or ""
    if lang not in _HEADING_KEYS:
        raise RecordError(path, f"the text's language {lang!r} has no heading key in the sheets")
    text = path.read_text(encoding="utf-8")
    sheet = yaml.safe_load(text)
    if source not in (sheet.get("sources") or {}):
        raise RecordError(
            path, f"no source {source!r}; add the official record (url, what, derived_from) first"
        )
    lines = text.splitlines(keepends=True)
    expected = copy.deepcopy(sheet)
    out: list[str] = []
    spans = _item_spans(lines)
    if len(spans) != len(sheet.get("articles") or []):
        raise RecordError(path, "cannot find each article's lines; record by hand")
    for index, (start, end, indent) in reversed(list(enumerate(spans))):
        changes, said = _plan_article(sheet["articles"][index], report, lang, source)
        out[:0] = said
        if changes:
            expected["articles"][index].update(changes)
            lines = _edit_item(lines, start, end, indent, changes)
    new_text = "".join(lines)
    if yaml.safe_load(new_text) != expected:
        raise RecordError(path, "the edit does not parse back as intended; record by hand")
    if new_text != text:
        path.write_text(new_text, encoding="utf-8")
    out.append(f"{path.name}: {'written' if new_text != text else 'nothing to record'}")
    return [f"{path.name}: {line}" if not line.startswith(path.name) else line for line in out]
