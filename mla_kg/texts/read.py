"""Read an official text from a file: recognise its format, parse it, refuse what is unreadable.

>>> from mla_kg.texts.read import detect_format
>>> detect_format(b'<?xml version="1.0"?><ACT><ARTICLE/></ACT>', "act.xml")
'formex'
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree, html

from .errors import UnreadableText
from .eurlex import read_eurlex_html, read_formex
from .overheid import read_overheid_markdown
from .structure import FORMATS, TextStructure

#: Bytes of a file looked at to recognise its format.
_SNIFF = 4096
#: Files larger than this are refused (the largest treaty text is well under 5 MB).
MAX_BYTES = 50_000_000


def detect_format(data: bytes, path: str) -> str:
    """Return the format of a text from its first bytes, or raise :class:`UnreadableText`."""
    head = data[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = head.lower()
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<act"):
        if b"<html" in lowered:
            return "eurlex-html"
        return "formex"
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html"):
        return "eurlex-html"
    text = head.decode("utf-8", errors="replace")
    if "\n##" in "\n" + text and ("\n###" in text or "\n####" in text):
        return "overheid-md"
    raise UnreadableText(
        path,
        "unknown format: expected a wetten.overheid.nl Markdown record, a Formex 4 XML act or "
        "an EUR-Lex HTML page; name the format with --format if it is one of " + ", ".join(FORMATS),
    )


def _load(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableText(path, f"the file has {size} bytes, more than {MAX_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableText(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableText(path, "this is a folder; give the text's file") from None
    except OSError as error:
        raise UnreadableText(path, error.strerror or str(error)) from None
    if not data.strip():
        raise UnreadableText(path, "the file is empty")
    if b"\x00" in data[:_SNIFF]:
        raise UnreadableText(path, "the file is binary (a PDF or an archive?), not a text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableText(
            path, f"not UTF-8 text (byte {error.start}): a binary file or another encoding"
        ) from None
    return data


def _xml(data: bytes, path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableText(path, f"not well-formed XML: {error}") from None


def read_text(path: str | Path, format: str = "auto") -> TextStructure:
    """Read an official text and return its structure.

    :param path: the file (wetten.overheid.nl Markdown, Formex 4 XML, EUR-Lex HTML).
    :param format: one of :data:`~mla_kg.texts.structure.FORMATS`, or ``auto`` to recognise it.
    :raises UnreadableText: missing, empty, binary, not well-formed, of an unknown format, or
        holding no article.
    """
    path = Path(path)
    if format != "auto" and format not in FORMATS:
        raise UnreadableText(path, f"unknown format {format!r}; use auto or one of {FORMATS}")
    data = _load(path)
    kind = detect_format(data, str(path)) if format == "auto" else format
    if kind == "overheid-md":
        structure = read_overheid_markdown(data.decode("utf-8"), str(path))
    elif kind == "formex":
        root = _xml(data, path)
        if root.tag == "DOC":
            raise UnreadableText(
                path,
                "this is a Formex document descriptor (DOC); give the act's file it names "
                "(REF.PHYS TYPE=DOC.XML, e.g. L_...000101.fmx.xml)",
            )
        structure = read_formex(root, str(path))
    else:
        try:
            root = html.document_fromstring(data)
        except (etree.ParserError, ValueError) as error:
            raise UnreadableText(path, f"not an HTML page: {error}") from None
        structure = read_eurlex_html(root, str(path))
    if not structure.articles:
        raise UnreadableText(path, f"no article found in it as {kind}; is it the right format?")
    return structure
