"""Official-text readers: an official text in, its structure (articles, paragraphs, points) out.

Formats: the wetten.overheid.nl Markdown export (``overheid-md``), EUR-Lex Formex 4 XML
(``formex``) and the EUR-Lex HTML page (``eurlex-html``). :func:`read_text` recognises the format;
:mod:`mla_kg.texts.verify` holds a text against the curated structure in the graph.
"""

from .errors import UnreadableText
from .read import read_text
from .structure import FORMATS, Annex, Article, Paragraph, Point, TextStructure

__all__ = [
    "FORMATS",
    "Annex",
    "Article",
    "Paragraph",
    "Point",
    "TextStructure",
    "UnreadableText",
    "read_text",
]
