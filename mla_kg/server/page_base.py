"""What every HTML page of ``mla-kg serve`` shares: IRIs and links, names, rendering.

Every page is rendered by Jinja2 with autoescaping, so data from the graph and text from the
request are HTML-escaped. Scripts and styles come from ``/static`` only, so the pages carry a
Content-Security-Policy without ``unsafe-inline``.

>>> resource_iri("/id/instrument/eu-jp-mla/art/11/para/1/point/b")
'https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11/para/1/point/b'
>>> resource_iri("/id/instrument/x>%20}") is None
True
>>> local_href("https://w3id.org/mla-kg/ontology#Article")
'/ontology#Article'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from mla_kg.compare import (
    RECALLED_LEGEND,
    RECALLED_MARK,
    Cell,
)
from mla_kg.graph.queries import check_iri
from mla_kg.namespaces import BASE, MLA, compact
from mla_kg.server import protocol
from mla_kg.server.labels import property_label
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.results import Term

if TYPE_CHECKING:
    from mla_kg.server.endpoint import Endpoint


TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

#: Sent with every page: scripts, styles and fetches from this server only, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: What a resource can be sent as: the HTML page first (browsers), then the RDF syntaxes.
RESOURCE_TYPES = (protocol.HTML, *protocol.GRAPH_TYPES)

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*\Z")
_INSTRUMENT_ID = re.compile(r"[a-z0-9][a-z0-9\-]*\Z")
_ONTOLOGY = str(MLA)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBDIVISION_SEGMENTS = {"art": 0, "annex": 1, "unplaced": 2}
# Properties shown first on a resource page, in this order; the rest follow by name.
_LEADING_PROPERTIES = (
    _RDF_TYPE,
    f"{_ONTOLOGY}instrumentId",
    "http://purl.org/dc/terms/title",
    f"{_ONTOLOGY}shortTitle",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    f"{_ONTOLOGY}citation",
    f"{_ONTOLOGY}heading",
    f"{_ONTOLOGY}subject",
    f"{_ONTOLOGY}summary",
    f"{_ONTOLOGY}verification",
)
_LABEL_PROPERTIES = (
    f"{_ONTOLOGY}citation",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    f"{_ONTOLOGY}statement",
)
# What an instrument page shows above its outline, in this order.
_KEY_FACTS = (
    f"{_ONTOLOGY}shortTitle",
    f"{_ONTOLOGY}party",
    f"{_ONTOLOGY}dateSigned",
    f"{_ONTOLOGY}entryIntoForce",
    f"{_ONTOLOGY}entryIntoForceStatus",
    f"{_ONTOLOGY}publicationCitation",
    f"{_ONTOLOGY}officialText",
    f"{_ONTOLOGY}authenticLanguage",
)
_KINDS = {
    f"{_ONTOLOGY}Instrument": "instrument",
    f"{_ONTOLOGY}Subdivision": "subdivision",
    f"{_ONTOLOGY}State": "state",
    f"{_ONTOLOGY}InternationalOrganisation": "organisation",
    f"{_ONTOLOGY}Authority": "authority",
    f"{_ONTOLOGY}Source": "source",
}


# --------------------------------------------------------------------------------------------
# IRIs and links
# --------------------------------------------------------------------------------------------


def resource_iri(path: str) -> str | None:
    """Return the IRI a request path names under ``https://w3id.org/mla-kg/``, or ``None``.

    Only ``/id/...`` and ``/feature/...`` paths whose segments are slugs (letters, digits,
    ``-``) name resources; anything else cannot be an mla-kg IRI.
    """
    segments = path.strip("/").split("/")
    if len(segments) < 2 or segments[0] not in ("id", "feature"):
        return None
    if not all(_SEGMENT.match(segment) for segment in segments):
        return None
    return str(check_iri(str(BASE) + "/".join(segments), "resource"))


def local_href(iri: str) -> str | None:
    """Return where a link to ``iri`` points: its page on this server, the IRI, or ``None``.

    IRIs of mla-kg resources link to this server's page for them; other http(s) IRIs link
    out as they are; anything else (``javascript:``, ``urn:``) gets no link.
    """
    if iri.startswith(_ONTOLOGY):
        return "/ontology#" + iri[len(_ONTOLOGY) :]
    if iri.startswith(str(BASE)):
        path = "/" + iri[len(str(BASE)) :]
        return path if resource_iri(path) else None
    if iri.startswith(("https://", "http://")):
        return iri
    return None


def short_name(iri: str) -> str:
    """Return how an IRI without a label is shown: its path under ``id/``, or compacted.

    >>> short_name("https://w3id.org/mla-kg/id/instrument/eu-jp-mla/presence/examination")
    'instrument/eu-jp-mla/presence/examination'
    """
    prefix = str(BASE) + "id/"
    return iri[len(prefix) :] if iri.startswith(prefix) else compact(iri)


def _natural_key(text: str) -> list[tuple[int, Any]]:
    """Return a sort key that orders numbers inside text by value (Art 3 before Art 11)."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


def _local_name(iri: str) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri)[-1]


def _status(term: Term | None) -> str | None:
    """Return ``official``, ``scholarly`` or ``recalled`` from an ``mla:`` status IRI."""
    if term is None:
        return None
    return term.value[len(_ONTOLOGY) :] if term.value.startswith(_ONTOLOGY) else term.value


def _english_first(terms: Iterable[Term]) -> Term | None:
    """Return the English (or untagged) literal of several, else the first."""
    terms = list(terms)
    for term in terms:
        if term.lang in (None, "") or (term.lang or "").lower().startswith("en"):
            return term
    return terms[0] if terms else None


def _display(term: Term) -> str:
    """Return how a term is written on a page: compact IRIs, lexical forms of literals."""
    if term.kind == "uri":
        return compact(term.value)
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    """Return the template environment (autoescaping every template)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        local_href=local_href,
        compact=compact,
        short_name=short_name,
        property_label=property_label,
        display=_display,
        cell_html=cell_html,
        recalled_mark=RECALLED_MARK,
        recalled_legend=RECALLED_LEGEND,
    )
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template as an HTML response with the pages' security headers."""
    body = _environment().get_template(template).render(**context)
    return HTMLResponse(body, status_code=status_code, headers=dict(_PAGE_HEADERS))


def error_page(status: int, title: str, message: str, **context: Any) -> HTMLResponse:
    """Render the error page: what went wrong and what to do, never a stack trace."""
    return render("error.html", status, title=title, message=message, status=status, **context)


def _protocol_error_page(error: ProtocolError) -> HTMLResponse:
    """Render a :class:`ProtocolError` from the endpoint as an error page with its status."""
    title = error.title or {503: "Service busy"}.get(error.status, "Request failed")
    return error_page(error.status, title, error.message)


def _cut(endpoint: Endpoint, answers: Sequence[Sequence[Any]]) -> bool:
    """Return whether the server's row cap may have cut one of a page's answers."""
    return any(len(rows) >= endpoint.max_rows for rows in answers)


def _endpoint(request: Request) -> Endpoint:
    """Return the endpoint the app serves."""
    return request.app.state.endpoint


def _marked(text: str) -> Markup:
    """Escape text and set every recalled mark in a span that explains it."""
    dagger = Markup('<span class="dagger" title="{}">{}</span>').format(
        RECALLED_LEGEND, RECALLED_MARK
    )
    return dagger.join(escape(part) for part in text.split(RECALLED_MARK))


def cell_html(
    cell: Cell, note: int | None = None, names: Mapping[str, str] | None = None
) -> Markup:
    """Return a matrix cell as HTML: its text (as every renderer words it), citations linked.

    The text is :meth:`Cell.text`; each ``;``-separated citation of a present cell links to
    the provision whose citation it starts with (folded annex entries stay plain text);
    ``names`` are the sources' short names, by IRI.
    """
    text = cell.text(note, names)
    if cell.status != "present" or not cell.provisions:
        return _marked(text)
    provisions = sorted(cell.pinpoints(), key=lambda p: -len(p.citation))
    parts = []
    for part in text.split("; "):
        target = next((p for p in provisions if part.startswith(p.citation)), None)
        href = local_href(target.iri) if target else None
        if href:
            parts.append(Markup('<a href="{}">{}</a>').format(href, _marked(part)))
        else:
            parts.append(_marked(part))
    return Markup("; ").join(parts)


async def _instruments(endpoint: Endpoint) -> list[dict[str, str]]:
    """Return the instruments of the graph: id, IRI and a short name."""
    rows = await endpoint.select(endpoint.named_query("instrument_list"))
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(
            row["id"].value,
            {
                "id": row["id"].value,
                "iri": row["instrument"].value,
                "name": (row.get("shortTitle") or row.get("title") or row["id"]).value,
                "title": (row.get("title") or row.get("shortTitle") or row["id"]).value,
            },
        )
    return list(found.values())
