"""The structure of an official text: articles, paragraphs, points, sub-points, annexes.

Every reader turns its format into these types, and verification compares them with the graph;
neither knows the other's format. Numbers and labels are kept as printed, without brackets or
dots (``"4"``, ``"a"``, ``"ii"``); a paragraph the text does not number has ``number=None``.

>>> art = Article("4", "Bank information", (Paragraph("1", (Point("a", ("i", "ii")),)),))
>>> [s.citation for s in art.subdivisions()]
['Art 4', 'Art 4(1)', 'Art 4(1)(a)', 'Art 4(1)(a)(i)', 'Art 4(1)(a)(ii)']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

#: Format names, as the command line takes them.
FORMATS = ("overheid-md", "formex", "eurlex-html")


@dataclass(frozen=True)
class Point:
    """A point of a paragraph (``a``, ``1``) with the labels of its sub-points (``i``, ``ii``)."""

    label: str
    subpoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its number as printed (None: the text gives none) and its points."""

    number: str | None
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Subdivision:
    """One subdivision of a text, flattened: its citation, kind and heading (articles only)."""

    citation: str
    kind: str  # article, paragraph, point, sub-point, annex
    heading: str | None = None


@dataclass(frozen=True)
class Article:
    """An article: number as printed (``"1"``, ``"328 bis"``), heading or None, paragraphs.

    An article whose text is not divided into numbered paragraphs has no paragraphs, or one
    paragraph with ``number=None`` holding its points. ``printed_elsewhere`` is true where the
    record prints no body for the article but a note that it amends another instrument (the
    Dutch database shows an amending article's text in the amended instrument's record).
    """

    number: str
    heading: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    printed_elsewhere: bool = False

    @property
    def citation(self) -> str:
        """Return the citation as the rest of mla-kg writes it (``Art 7``)."""
        return f"Art {self.number}"

    def subdivisions(self) -> Iterator[Subdivision]:
        """Yield the article and everything below it, in text order."""
        yield Subdivision(self.citation, "article", self.heading)
        for para in self.paragraphs:
            base = self.citation if para.number is None else f"{self.citation}({para.number})"
            if para.number is not None:
                yield Subdivision(base, "paragraph")
            for point in para.points:
                yield Subdivision(f"{base}({point.label})", "point")
                for sub in point.subpoints:
                    yield Subdivision(f"{base}({point.label})({sub})", "sub-point")


@dataclass(frozen=True)
class Annex:
    """An annex (or an appended instrument such as an explanatory note): number and heading."""

    number: str
    heading: str | None = None

    @property
    def citation(self) -> str:
        """Return ``Annex I`` (or ``Annex`` for an unnumbered one)."""
        return f"Annex {self.number}".strip()


@dataclass(frozen=True)
class TextStructure:
    """What a reader found in one official text.

    :param format: the format read (one of :data:`FORMATS`).
    :param language: the language of the text (BCP 47: ``en``, ``nl``, ``fr``), None if unknown.
    :param title: the title in the text's language, where the format gives one.
    :param translation: a translation the same file carries after the text (the Dutch database
        prints the authentic text, then the Dutch translation), read the same way.
    """

    path: str
    format: str
    language: str | None
    title: str | None = None
    articles: tuple[Article, ...] = ()
    annexes: tuple[Annex, ...] = ()
    translation: TextStructure | None = field(default=None, compare=False)

    def article(self, number: str) -> Article | None:
        """Return the article with this number, or None."""
        return next((a for a in self.articles if a.number == number), None)

    def subdivisions(self) -> list[Subdivision]:
        """Return every subdivision (articles and below, then annexes), in text order."""
        out = [s for article in self.articles for s in article.subdivisions()]
        out += [Subdivision(a.citation, "annex", a.heading) for a in self.annexes]
        return out
