"""Reading RDF files: the formats loaded and written, load errors with their position."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Graph

from mla_kg.errors import LoadError

# File types that can be loaded: rdflib parser name and pyoxigraph format.
RDF_INPUT_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    ".ttl": ("turtle", ox.RdfFormat.TURTLE),
    ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
    ".rdf": ("xml", ox.RdfFormat.RDF_XML),
    ".owl": ("xml", ox.RdfFormat.RDF_XML),
    ".xml": ("xml", ox.RdfFormat.RDF_XML),
    ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}
# Output formats: rdflib serializer name and pyoxigraph format, by the names users type.
RDF_OUTPUT_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "ttl": ("turtle", ox.RdfFormat.TURTLE),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    "trig": ("trig", ox.RdfFormat.TRIG),
}
OUTPUT_FORMATS = tuple(RDF_OUTPUT_FORMATS)
_LINE = re.compile(r"\bline (\d+)")
_OXIGRAPH_POSITION = re.compile(
    r"^Parser error at line \d+ (?:between )?columns? \d+(?: and \d+)?: "
)
_COLUMN = re.compile(r"\bcolumns? (\d+)")


def input_format(path: Path) -> tuple[str, ox.RdfFormat]:
    """Return the parser formats for a file, by its extension, once it is known to exist.

    :raises LoadError: if the file is missing or of an unknown type.
    """
    if not path.is_file():
        raise LoadError(path, None, "no such file; check the path")
    try:
        return RDF_INPUT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise LoadError(
            path,
            None,
            f"unknown file type {path.suffix or '(none)'!r}; "
            f"give RDF as {', '.join(RDF_INPUT_FORMATS)}",
        ) from None


def _position(error: BaseException) -> tuple[int | None, int | None]:
    """Return the 1-based line and column a parser reports for an error, where it does."""
    if isinstance(error, SAXParseException):
        return error.getLineNumber(), error.getColumnNumber()
    lines = getattr(error, "lines", None)  # rdflib's Turtle parser: newlines before the error
    if isinstance(lines, int):
        return lines + 1, None
    line = getattr(error, "lineno", None)  # SyntaxError (pyoxigraph), JSONDecodeError
    if isinstance(line, int):
        column = getattr(error, "offset", None) or getattr(error, "colno", None)
        return line, column if isinstance(column, int) else None
    match = _LINE.search(str(error))
    if match:
        column = _COLUMN.search(str(error))
        return int(match.group(1)), int(column.group(1)) if column else None
    return None, None


def _cause(error: BaseException) -> str:
    """Return the parser's own explanation of an error, without the file excerpt."""
    if isinstance(error, SAXParseException):
        return error.getMessage()
    why = getattr(error, "_why", None)  # rdflib's Turtle parser keeps the bare reason here
    if isinstance(why, str):
        return why
    message = str(getattr(error, "msg", None) or error).strip()
    if not message:
        return type(error).__name__
    # pyoxigraph repeats the position in the message; LoadError states it once.
    return _OXIGRAPH_POSITION.sub("", message.splitlines()[0])


def load_error(path: Path, error: BaseException) -> LoadError:
    """Describe a failure to read ``path`` as a LoadError with its position."""
    if isinstance(error, OSError) and not isinstance(error, SyntaxError):
        return LoadError(path, None, error.strerror or str(error))
    line, column = _position(error)
    return LoadError(path, line, _cause(error), column)


def read_graph(path: str | Path) -> Graph:
    """Parse one RDF file with rdflib into a graph of its own.

    :raises LoadError: naming the file, line and cause.
    """
    path = Path(path)
    format, _ = input_format(path)
    graph = Graph()
    try:
        graph.parse(path, format=format, publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib's parsers raise many unrelated types
        raise load_error(path, error) from error
    return graph


__all__ = ["OUTPUT_FORMATS", "input_format", "load_error", "read_graph"]
