"""Reader of the wetten.overheid.nl treaty records as exported to Markdown (``overheid-md``).

The export is line-based Markdown, so it is read line by line (there is no markup to parse):
``##`` the Dutch title of the record, ``####`` a title or a heading, ``### Article N`` /
``### Artikel N`` an article, followed by its ``####`` heading line where the text has one;
``### CHAPTER`` / ``### HOOFDSTUK`` / ``### TITEL`` a chapter; ``### ANNEX`` / ``### BIJLAGE`` an
annex. Inside an article, paragraphs start ``1.``, points ``a.``, ``a)`` or ``(a)``, sub-points
``i.`` or ``(i)``. Many records hold the authentic English or French text followed by the Dutch
translation: each is a *part* (it starts with a ``####`` title of its own); the first part with
articles is the text, the next one in another language its translation. A part without articles
(the Explanatory Note of the EU-US agreements) is an annex of the part before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .structure import Annex, Article, Paragraph, Point, TextStructure

_TITLE = re.compile(r"^##(?!#)\s*(.+?)\s*$")
_HEADING = re.compile(r"^####\s*(.+?)\s*$")
_BLOCK = re.compile(r"^###(?!#)\s*(.+?)\s*$")
_ARTICLE = re.compile(r"^(?:Article|Artikel|ARTICLE|ARTIKEL)\s+(\S.*?)\s*$")
_CHAPTER = re.compile(
    r"^(?:CHAPTER|CHAPITRE|HOOFDSTUK|TITEL|TITRE|TITLE|PART|DEEL|Section|SECTION|Afdeling)\b"
)
_ANNEX = re.compile(r"^(?:ANNEX|Annex|ANNEXE|Annexe|BIJLAGE|Bijlage)\b\s*(.*?)\s*$")
_PARAGRAPH = re.compile(r"^(\d+[a-z]?)\s*\.(?:\s+|$)")
# The label may run into the text: "(a)Taking", "a)access", "a.Verzoeken", "a.the service".
# After a bracket anything may follow; after a dot a space, a capital, or (for a one-letter
# label) a word of two letters or more ("i.e." and "e.g." are not points).
_POINT = re.compile(
    r"^(?:\(?([a-z]{1,2}|[ivx]+)\)|([a-z]{1,2}|[ivx]+)\.(?=\s|$|[A-Z\u00c0-\u00de\u201e\"'(])"
    r"|([a-z])\.(?=[a-z]{2}))"
)
#: The database's note in place of an amending article's body ("Amends the European Convention").
_AMENDS = re.compile(r"^(?:Wijzigt|Amends|Modifie)\b")
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
_STOP_WORDS = {
    "en": {"the", "of", "and", "to", "shall", "be", "in", "or", "any"},
    "nl": {"de", "het", "van", "en", "een", "wordt", "worden", "of", "in"},
    "fr": {"le", "la", "les", "des", "et", "du", "est", "sont", "ou"},
}


@dataclass
class _PointDraft:
    label: str
    subpoints: list[str] = field(default_factory=list)


@dataclass
class _ArticleDraft:
    number: str
    heading: str | None = None
    paragraphs: list[tuple[str | None, list[_PointDraft]]] = field(default_factory=list)
    body_lines: int = 0
    amends: bool = False

    def add_line(self, line: str) -> None:
        """Read one line of the article's body: a paragraph, a point, a sub-point, or prose."""
        text = line.lstrip("*_ ").strip()
        self.body_lines += 1
        if self.body_lines == 1 and _AMENDS.match(text):
            self.amends = True
        para = _PARAGRAPH.match(text)
        if para:
            self.paragraphs.append((para.group(1), []))
            return
        point = _POINT.match(text)
        if point:
            self._add_point(point.group(1) or point.group(2) or point.group(3))

    def _add_point(self, label: str) -> None:
        if not self.paragraphs:
            self.paragraphs.append((None, []))
        points = self.paragraphs[-1][1]
        current = points[-1] if points else None
        if label == "ii" and current is not None and current.label == "i" and len(points) > 1:
            # 'h', 'i', 'ii': the 'i' was the first sub-point of 'h', not point (i).
            points.pop()
            points[-1].subpoints.extend(["i", "ii"])
            return
        roman_list = bool(points) and points[0].label == "i"
        if current is not None and label in _ROMAN and not roman_list:
            if label != _next_letter(current.label):
                current.subpoints.append(label)
                return
        points.append(_PointDraft(label))

    def build(self) -> Article:
        """Return the article as read."""
        paragraphs = tuple(
            Paragraph(number, tuple(Point(p.label, tuple(p.subpoints)) for p in points))
            for number, points in self.paragraphs
        )
        elsewhere = self.amends and self.body_lines == 1
        return Article(self.number, self.heading, paragraphs, printed_elsewhere=elsewhere)


def _next_letter(label: str) -> str:
    return chr(ord(label[-1]) + 1) if len(label) == 1 and label.isalpha() else ""


@dataclass
class _Part:
    title: str | None = None
    articles: list[_ArticleDraft] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    in_annex: bool = False

    def language(self) -> str | None:
        """Return the language most of the part's words belong to."""
        votes = {lang: sum(w in stop for w in self.words) for lang, stop in _STOP_WORDS.items()}
        best = max(votes, key=votes.__getitem__)
        return best if votes[best] else None


def _parts(text: str) -> tuple[str | None, list[_Part]]:
    """Split the record into parts and read each; return the Dutch title and the parts."""
    dutch_title = None
    parts = [_Part()]
    article: _ArticleDraft | None = None
    attach: object = None  # what a #### line right after a ### block belongs to
    for raw in text.splitlines():
        line = raw.strip()
        part = parts[-1]
        if not line:
            continue
        if title := _TITLE.match(line):
            dutch_title = dutch_title or title.group(1)
            attach = None
            continue
        if heading := _HEADING.match(line):
            value = heading.group(1)
            if isinstance(attach, _ArticleDraft):
                attach.heading = attach.heading or value
            elif isinstance(attach, Annex):
                part.annexes[-1] = Annex(attach.number, attach.heading or value)
            elif attach is None:
                if part.articles or part.annexes or part.title:
                    parts.append(_Part(title=value))
                    article = None
                else:
                    part.title = value
            attach = None
            continue
        if block := _BLOCK.match(line):
            article, attach = _block(block.group(1), part, parts)
            continue
        attach = None
        part.words.extend(re.findall(r"[a-zà-ÿ]+", line.lower())[:40])
        if article is not None:
            article.add_line(line)
    return dutch_title, parts


def _block(label: str, part: _Part, parts: list[_Part]) -> tuple[_ArticleDraft | None, object]:
    """Read a ``###`` line; return the article it opens (or None) and what a heading joins."""
    label = re.sub(r"\s+", " ", label.strip("* "))
    if match := _ARTICLE.match(label):
        if part.in_annex:
            return None, "annex content"  # articles quoted in an annex (criminal codes, letters)
        number = match.group(1).rstrip(".")
        if any(a.number == number for a in part.articles):
            # The same number again without a title line: the translation has begun.
            part = _Part()
            parts.append(part)
        draft = _ArticleDraft(number)
        part.articles.append(draft)
        return draft, draft
    if match := _ANNEX.match(label):
        part.in_annex = True
        annex = Annex(match.group(1))
        part.annexes.append(annex)
        return None, annex
    if _CHAPTER.match(label):
        return None, "chapter"
    return None, "other"


def read_overheid_markdown(text: str, path: str) -> TextStructure:
    """Return the structure of a wetten.overheid.nl Markdown record (and its translation).

    :param text: the file's text.
    :param path: the file, for the result (and messages).
    :returns: the first part with articles, with the next part in another language as its
        ``translation``; parts without articles become annexes of the part before them.
    """
    _, parts = _parts(text)
    built: list[TextStructure] = []
    for part in parts:
        if not part.articles:
            if built:
                annex = Annex("", part.title)
                previous = built[-1]
                built[-1] = TextStructure(
                    previous.path,
                    previous.format,
                    previous.language,
                    previous.title,
                    previous.articles,
                    (*previous.annexes, annex, *part.annexes),
                )
            continue
        built.append(
            TextStructure(
                path,
                "overheid-md",
                part.language(),
                part.title,
                tuple(a.build() for a in part.articles),
                tuple(part.annexes),
            )
        )
    if not built:
        return TextStructure(path, "overheid-md", None)
    text_part = built[0]
    translation = next((t for t in built[1:] if t.language != text_part.language), None)
    return TextStructure(
        text_part.path,
        text_part.format,
        text_part.language,
        text_part.title,
        text_part.articles,
        text_part.annexes,
        translation,
    )
