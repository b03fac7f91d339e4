"""Readers of the two formats EUR-Lex gives an act in: Formex 4 XML and the EUR-Lex HTML page.

Both are parsed with lxml (the HTML with its HTML parser), never with regular expressions over
markup; a regular expression only reads a number out of a text node (``Article 12`` -> ``12``).

- Formex: ``ARTICLE`` with ``TI.ART`` (``Article N``) and ``STI.ART`` (its heading); paragraphs
  are ``PARAG`` with ``NO.PARAG``; points are the ``ITEM`` of a ``LIST`` with ``NO.P`` labels;
  a ``LIST`` inside an ``ITEM`` holds its sub-points. Annexes are ``ANNEX`` with ``TITLE``.
- HTML: ``div.eli-subdivision`` with ``id="art_N"``, ``p.oj-ti-art`` and ``p.oj-sti-art``;
  paragraphs are the ``div`` children whose first ``p`` starts ``N.``; points are two-cell tables
  whose first cell is the label, and tables nested in the second cell are sub-points.
  Annexes are ``div`` with ``id="anx_N"``.
"""

from __future__ import annotations

import re

from lxml import etree, html

from .structure import Annex, Article, Paragraph, Point, TextStructure

_ARTICLE_NUMBER = re.compile(r"^\s*(?:Article|Artikel)\s+(\S+)", re.IGNORECASE)
_PARAGRAPH_NUMBER = re.compile(r"^\s*(\d+[a-z]?)\s*\.")
_LABEL = re.compile(r"^\s*\(?([a-z]{1,2}|[ivx]+|\d+)\)?\.?\s*$")
_LANGUAGES = {"EN": "en", "NL": "nl", "FR": "fr", "DE": "de"}


def _text(node: etree._Element | None) -> str:
    """Return the whitespace-normalised text of a node (notes and all), or ''."""
    if node is None:
        return ""
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip()


def _label(text: str) -> str | None:
    match = _LABEL.match(text)
    return match.group(1) if match else None


def _article_number(title: str) -> str:
    match = _ARTICLE_NUMBER.match(title)
    return match.group(1) if match else title.strip()


# -- Formex --------------------------------------------------------------------------------------


def _formex_items(lst: etree._Element) -> list[tuple[str, etree._Element]]:
    """Return (label, ITEM) of a LIST's own items that carry a label."""
    out = []
    for item in lst.findall("ITEM"):
        label = _label(_text(item.find("./NP/NO.P")))
        if label:
            out.append((label, item))
    return out


def _own_lists(node: etree._Element, stop: str) -> list[etree._Element]:
    """Return the LISTs below ``node`` not nested in another ``stop`` element below it."""
    found = []
    for lst in node.iter("LIST"):
        ancestor = lst.getparent()
        while ancestor is not None and ancestor is not node and ancestor.tag != stop:
            ancestor = ancestor.getparent()
        if ancestor is node:
            found.append(lst)
    return found


def _formex_points(node: etree._Element) -> tuple[Point, ...]:
    points = []
    for lst in _own_lists(node, "ITEM"):
        for label, item in _formex_items(lst):
            subs = [s for sub in _own_lists(item, "ITEM") for s, _ in _formex_items(sub)]
            points.append(Point(label, tuple(subs)))
    return tuple(points)


def _formex_article(node: etree._Element) -> Article:
    number = _article_number(_text(node.find("TI.ART")))
    heading = _text(node.find("STI.ART")) or None
    parags = node.findall("PARAG")
    if parags:
        paragraphs = tuple(
            Paragraph(
                _label(_text(p.find("NO.PARAG"))) or _text(p.find("NO.PARAG")), _formex_points(p)
            )
            for p in parags
        )
    else:
        points = _formex_points(node)
        paragraphs = (Paragraph(None, points),) if points else ()
    return Article(number, heading, paragraphs)


def read_formex(root: etree._Element, path: str) -> TextStructure:
    """Return the structure of a Formex 4 act (the ``ACT`` document of an OJ publication)."""
    language = _LANGUAGES.get(_text(root.find(".//BIB.INSTANCE/LG.DOC")).upper())
    title = " ".join(_text(p) for p in root.findall("./TITLE/TI/P")) or None
    articles = tuple(_formex_article(a) for a in root.iter("ARTICLE"))
    annexes = tuple(
        Annex(re.sub(r"^(ANNEX|Annex)\s*", "", _text(a.find("./TITLE/TI"))), None)
        for a in root.iter("ANNEX")
    )
    return TextStructure(path, "formex", language, title, articles, annexes)


# -- EUR-Lex HTML --------------------------------------------------------------------------------


def _cells(table: html.HtmlElement) -> tuple[str | None, html.HtmlElement | None]:
    """Return (label, content cell) of a point table, or (None, None)."""
    row = table.find(".//tr")
    cells = row.findall("td") if row is not None else []
    if len(cells) < 2:
        return None, None
    return _label(_text(cells[0])), cells[1]


def _own_tables(node: html.HtmlElement) -> list[html.HtmlElement]:
    """Return the tables below ``node`` that are not nested in another table below it."""
    found = []
    for table in node.iter("table"):
        ancestor = table.getparent()
        while ancestor is not None and ancestor is not node and ancestor.tag != "table":
            ancestor = ancestor.getparent()
        if ancestor is node:
            found.append(table)
    return found


def _html_points(node: html.HtmlElement) -> tuple[Point, ...]:
    points = []
    for table in _own_tables(node):
        label, content = _cells(table)
        if label is None or content is None:
            continue
        subs = [s for t in _own_tables(content) if (s := _cells(t)[0])]
        points.append(Point(label, tuple(subs)))
    return tuple(points)


def _html_article(node: html.HtmlElement) -> Article:
    number = _article_number(_text(node.find("./p[@class='oj-ti-art']")))
    heading = _text(node.find(".//p[@class='oj-sti-art']")) or None
    paragraphs = []
    for div in node.findall("div"):
        first = div.find("p")
        match = _PARAGRAPH_NUMBER.match(_text(first)) if first is not None else None
        if match and "eli-title" not in (div.get("class") or ""):
            paragraphs.append(Paragraph(match.group(1), _html_points(div)))
    if not paragraphs:
        points = _html_points(node)
        paragraphs = [Paragraph(None, points)] if points else []
    return Article(number, heading, tuple(paragraphs))


def _html_annex(node: html.HtmlElement) -> Annex:
    """Return an annex: ``ANNEX II`` gives number II; the next title line is its heading."""
    titles = [_text(p) for p in node.findall("p[@class='oj-doc-ti']")]
    number = re.sub(r"^(ANNEX|Annex)\s*", "", titles[0]) if titles else ""
    return Annex(number, titles[1] if len(titles) > 1 else None)


def read_eurlex_html(root: html.HtmlElement, path: str) -> TextStructure:
    """Return the structure of an act's EUR-Lex HTML page (``DOC_1.html``)."""
    lang = root.get("lang") or _text(root.find(".//*[@class='oj-hd-lg']"))
    language = _LANGUAGES.get(lang.upper()[:2]) if lang else None
    title = _text(root.find(".//div[@class='eli-main-title']")) or None
    articles = tuple(
        _html_article(div)
        for div in root.iter("div")
        if re.fullmatch(r"art_\w+", div.get("id") or "")
    )
    annexes = tuple(
        _html_annex(div)
        for div in root.iter("div")
        if re.fullmatch(r"anx_\w+", div.get("id") or "")
    )
    return TextStructure(path, "eurlex-html", language, title, articles, annexes)
