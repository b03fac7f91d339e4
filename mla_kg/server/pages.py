"""The HTML pages of ``mla-kg serve``: the query page, resource pages, comparison and ontology.

Every page is rendered by Jinja2 with autoescaping, so data from the graph and text from the
request are HTML-escaped. Scripts and styles come from ``/static`` only, so the pages carry a
Content-Security-Policy without ``unsafe-inline``. User input reaches SPARQL only as engine
bindings (``URIRef`` values built from validated path segments), never as query text.

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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape
from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mla_kg.compare import (
    LEGEND,
    RECALLED_LEGEND,
    RECALLED_MARK,
    Attestation,
    Cell,
    Claim,
    Comparison,
    FeatureRow,
    Provision,
)
from mla_kg.namespaces import BASE, MLA, PREFIXES, compact
from mla_kg.queries import check_iri, load_queries
from mla_kg.server import protocol
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.results import Term

if TYPE_CHECKING:
    from mla_kg.server.app import Endpoint

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


# --------------------------------------------------------------------------------------------
# The query page
# --------------------------------------------------------------------------------------------


def example_queries() -> list[dict[str, Any]]:
    """Return the named queries of ``queries/`` as examples for the query page."""
    examples = []
    for name, query in sorted(load_queries().items()):
        examples.append(
            {
                "name": name,
                "summary": query.summary or name,
                "description": query.description,
                "params": [
                    {
                        "name": param.name,
                        "type": param.type_label,
                        "meaning": param.meaning,
                        "default": " ".join(param.default),
                        "required": param.required,
                    }
                    for param in query.params
                ],
                "text": query.text,
            }
        )
    return examples


async def query_page(request: Request) -> Response:
    """Serve ``/``: the SPARQL editor with the named queries as examples."""
    endpoint = _endpoint(request)
    examples = example_queries()
    # ?example=<name> preselects a named query; ?query=<text> fills the editor (shown escaped).
    chosen = request.query_params.get("example", "")
    chosen = chosen if any(e["name"] == chosen for e in examples) else ""
    return render(
        "query.html",
        examples=examples,
        chosen=chosen,
        initial_query=request.query_params.get("query"),
        prefixes=PREFIXES,
        max_rows=endpoint.max_rows,
        timeout=endpoint.timeout,
        triples=endpoint.triples,
        page="query",
    )


# --------------------------------------------------------------------------------------------
# Resource pages
# --------------------------------------------------------------------------------------------


@dataclass
class Value:
    """One value of a property on a resource page, with the label and status of a node."""

    term: Term
    label: str | None = None
    verification: str | None = None


@dataclass
class OutlineItem:
    """A subdivision in the outline of an instrument."""

    iri: str
    parent: str
    order: float
    citation: str
    heading: str | None = None
    heading_verification: str | None = None
    subject: str | None = None
    summary: str | None = None
    verification: str | None = None
    features: list[tuple[str, str, bool]] = field(default_factory=list)
    children: list[OutlineItem] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """Return the fragment id of the item on its instrument's page (``art-11-para-1``)."""
        parts = self.iri.split("/")
        return "-".join(parts[parts.index("instrument") + 2 :]) if "instrument" in parts else ""

    @property
    def recalled(self) -> bool:
        """Return whether the subdivision itself is only recalled."""
        return self.verification == "recalled"

    @property
    def heading_recalled(self) -> bool:
        """Return whether the heading is only recalled (its own status, else the item's)."""
        return (self.heading_verification or self.verification) == "recalled"


def _feature_entry(row: Mapping[str, Term]) -> tuple[str, str, bool]:
    """Return (IRI, label, is candidate) of a ``resource_features`` answer."""
    feature = row["feature"].value
    label = row["featureLabel"].value if "featureLabel" in row else _local_name(feature)
    return feature, label, row["relation"].value.endswith("candidateFeature")


def _outline_key(item: OutlineItem) -> tuple[int, float, str]:
    """Order siblings as printed: articles, annexes, then unplaced provisions, by order."""
    segment = item.iri[len(item.parent) + 1 :].split("/")[0]
    return (_SUBDIVISION_SEGMENTS.get(segment, 3), item.order, item.iri)


def build_outline(
    rows: Sequence[Mapping[str, Term]], features: Sequence[Mapping[str, Term]], root: str
) -> list[OutlineItem]:
    """Return the subdivisions under ``root`` as a tree in printed order.

    :param rows: answers of ``resource_outline``.
    :param features: answers of ``resource_features``.
    :param root: the IRI whose parts are wanted (an instrument or a subdivision).
    """
    items: dict[str, OutlineItem] = {}
    for row in rows:
        iri = row["subdivision"].value
        if iri in items:  # a second heading or subject in another language
            continue
        order = row.get("order")
        try:
            number = float(order.value) if order else float("inf")
        except ValueError:
            number = float("inf")
        text = {key: (row[key].value if key in row else None) for key in row}
        items[iri] = OutlineItem(
            iri=iri,
            parent=row["parent"].value,
            order=number,
            citation=text.get("citation") or _local_name(iri),
            heading=text.get("heading"),
            heading_verification=_status(row.get("headingVerification")),
            subject=text.get("subject"),
            summary=text.get("summary"),
            verification=_status(row.get("verification")),
        )
    for row in features:
        iri, entry = row["subdivision"].value, _feature_entry(row)
        if iri in items and entry not in items[iri].features:
            items[iri].features.append(entry)
    top: list[OutlineItem] = []
    for item in items.values():
        if item.parent == root:
            top.append(item)
        elif item.parent in items:
            items[item.parent].children.append(item)
    for item in items.values():
        item.children.sort(key=_outline_key)
        item.features.sort(key=lambda f: (f[2], f[1]))
    return sorted(top, key=_outline_key)


def _property_table(rows: Sequence[Mapping[str, Term]]) -> list[tuple[Term, list[Value]]]:
    """Group ``resource_properties`` answers by property, one entry per distinct value."""
    table: dict[str, tuple[Term, dict[tuple[str, str, str | None], list[Term]], dict]] = {}
    for row in rows:
        prop = row["property"]
        entry = table.setdefault(prop.value, (prop, {}, {}))
        value = row["value"]
        key = (value.kind, value.value, value.lang or value.datatype)
        labels = entry[1].setdefault(key, [])
        if "valueLabel" in row:
            labels.append(row["valueLabel"])
        entry[2].setdefault(key, (value, _status(row.get("valueVerification"))))
    ordered = sorted(
        table.values(),
        key=lambda e: (
            _LEADING_PROPERTIES.index(e[0].value)
            if e[0].value in _LEADING_PROPERTIES
            else len(_LEADING_PROPERTIES),
            compact(e[0].value),
        ),
    )
    result = []
    for prop, labels, values in ordered:
        shown = []
        for key, (term, status) in values.items():
            label = _english_first(labels[key])
            shown.append(Value(term, label.value if label else None, status))
        result.append((prop, shown))
    return result


def _incoming_table(rows: Sequence[Mapping[str, Term]]) -> list[tuple[Term, list[Value]]]:
    """Group ``resource_incoming`` answers by property: the nodes that point at the resource."""
    table: dict[str, tuple[Term, dict[str, tuple[Term, list[Term], str | None]]]] = {}
    for row in rows:
        prop = row["property"]
        entry = table.setdefault(prop.value, (prop, {}))
        subject = row["subject"]
        item = entry[1].setdefault(
            subject.value, (subject, [], _status(row.get("subjectVerification")))
        )
        if "subjectLabel" in row:
            item[1].append(row["subjectLabel"])
    result = []
    for prop, subjects in sorted(table.values(), key=lambda e: compact(e[0].value)):
        values = []
        for subject, labels, status in subjects.values():
            label = _english_first(labels)
            values.append(Value(subject, label.value if label else None, status))
        values.sort(key=lambda v: _natural_key(v.label or v.term.value))
        result.append((prop, values))
    return result


def _title(properties: list[tuple[Term, list[Value]]], iri: str) -> str:
    """Return the page title of a resource: its citation, title or label, else its IRI."""
    by_property = {prop.value: values for prop, values in properties}
    for name in _LABEL_PROPERTIES:
        literals = [v.term for v in by_property.get(name, []) if v.term.kind == "literal"]
        best = _english_first(literals)
        if best is not None:
            return best.value
    return _local_name(iri)


def _kinds(properties: list[tuple[Term, list[Value]]]) -> set[str]:
    """Return the page kinds (instrument, subdivision, state, ...) of a resource's types."""
    types = {v.term.value for prop, values in properties if prop.value == _RDF_TYPE for v in values}
    return {kind for iri, kind in _KINDS.items() if iri in types}


def _attestations(rows: Sequence[Mapping[str, Term]]) -> list[dict[str, Any]]:
    """Return the presences and absences of an instrument, one entry per node."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        iri = row["attestation"].value
        if iri in found:
            continue
        found[iri] = {
            "iri": iri,
            "kind": "presence" if row["kind"].value.endswith("Presence") else "absence",
            "feature": row["feature"].value,
            "label": row["featureLabel"].value if "featureLabel" in row else None,
            "verification": _status(row.get("verification")),
            "pinpoint": row["pinpoint"].value if "pinpoint" in row else None,
            "note": row["note"].value if "note" in row else None,
        }
    return sorted(found.values(), key=lambda a: (a["kind"] != "presence", a["label"] or ""))


def _breadcrumbs(iri: str, outline_rows: Sequence[Mapping[str, Term]]) -> list[tuple[str, str]]:
    """Return (IRI, citation) of the instrument and each part above a subdivision."""
    citations = {
        row["subdivision"].value: row["citation"].value for row in outline_rows if "citation" in row
    }
    parents = {row["subdivision"].value: row["parent"].value for row in outline_rows}
    chain: list[tuple[str, str]] = []
    current = parents.get(iri)
    while current is not None and len(chain) < 10:
        chain.append((current, citations.get(current, _local_name(current))))
        current = parents.get(current)
    return list(reversed(chain))


async def resource_page(request: Request) -> Response:
    """Serve a resource at its IRI's path: an HTML page, or RDF when Accept asks for it."""
    iri = resource_iri(request.url.path)
    if iri is None:
        return error_page(
            404,
            "Not an mla-kg resource",
            f"{request.url.path!s} is not the path of an mla-kg IRI: resource paths look like "
            "/id/instrument/eu-jp-mla, /id/instrument/eu-jp-mla/art/11/para/1, /id/state/JP.",
            suggestions=True,
        )
    chosen = protocol.negotiate(request.headers.get("accept"), RESOURCE_TYPES)
    vary = {"Vary": "Accept"}
    if chosen is None:
        return PlainTextResponse(
            f"406 Not Acceptable: {iri} can be sent as {', '.join(RESOURCE_TYPES)}; "
            "ask for one of them in Accept\n",
            status_code=406,
            headers=vary,
        )
    endpoint = _endpoint(request)
    binding = {"resource": URIRef(iri)}
    try:
        if chosen != protocol.HTML:
            answer = await endpoint.graph(
                endpoint.named_query("resource_triples"), binding, accept=chosen
            )
            if answer.count == 0:
                return PlainTextResponse(
                    f"404 Not Found: the graph has no statements about {iri}\n",
                    status_code=404,
                    headers=vary,
                )
            return Response(answer.body, media_type=answer.media_type, headers=vary)
        names = (
            "resource_properties",
            "resource_incoming",
            "resource_outline",
            "resource_features",
            "instrument_attestations",
        )
        answers = await endpoint.select_many(
            [(endpoint.named_query(name), binding) for name in names], max_rows=100_000
        )
    except ProtocolError as error:
        return _protocol_error_page(error)
    props_rows, incoming_rows, outline_rows, feature_rows, attestation_rows = answers
    incomplete = _cut(endpoint, answers)
    if not props_rows and not incoming_rows:
        try:
            instruments = await _instruments(endpoint)
        except ProtocolError:
            instruments = []  # the page still says what is wrong without the list
        return error_page(
            404,
            "No such resource",
            f"The graph has no statements about {iri}. Check the spelling of the path, or "
            "start from one of the pages below.",
            suggestions=True,
            instruments=instruments,
        )
    properties = _property_table(props_rows)
    kinds = _kinds(properties)
    by_property = {prop.value: values for prop, values in properties}
    instrument = next((v.term.value for v in by_property.get(f"{_ONTOLOGY}inInstrument", [])), None)
    verification = next(
        (_status(v.term) for v in by_property.get(f"{_ONTOLOGY}verification", [])), None
    )
    outline = build_outline(outline_rows, feature_rows, iri)
    shown_facts = _KEY_FACTS if "instrument" in kinds else ()
    facts = [(name, by_property[name]) for name in shown_facts if name in by_property]
    own_features = {_feature_entry(row) for row in feature_rows if row["subdivision"].value == iri}
    response = render(
        "resource.html",
        iri=iri,
        title=_title(properties, iri),
        kinds=sorted(kinds),
        properties=properties,
        incoming=_incoming_table(incoming_rows),
        outline=outline,
        facts=facts,
        incomplete=incomplete,
        attestations=_attestations(attestation_rows),
        breadcrumbs=_breadcrumbs(iri, outline_rows) if "subdivision" in kinds else [],
        instrument=instrument,
        own_features=sorted(own_features, key=lambda f: (f[2], f[1])),
        verification=verification,
        formats=protocol.GRAPH_TYPES,
        page="resource",
    )
    response.headers.update(vary)
    return response


async def instruments_page(request: Request) -> Response:
    """Serve ``/id/instrument``: the instruments of the graph (named query ``list_instruments``)."""
    endpoint = _endpoint(request)
    try:
        rows = await endpoint.select(load_queries()["list_instruments"].text)
    except ProtocolError as error:
        return _protocol_error_page(error)
    instruments = [
        {key: term.value for key, term in row.items()} for row in rows if "instrumentId" in row
    ]
    return render("instruments.html", instruments=instruments, page="instruments")


# --------------------------------------------------------------------------------------------
# The comparison page
# --------------------------------------------------------------------------------------------


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a :class:`Comparison` from its JSON contract (``Comparison.to_dict()``).

    The endpoint computes comparisons in a worker and sends the dictionary back; the page
    rebuilds the objects so that it words cells, marks and notes exactly as the CLI does.
    """

    def provision(p: Mapping[str, Any]) -> Provision:
        return Provision(
            iri=p["iri"],
            citation=p["citation"],
            verification=p["verification"],
            citation_recalled=bool(p.get("recalled")) and p["verification"] != "recalled",
            state=p.get("state"),
            sources=tuple(p.get("sources", ())),
        )

    features = []
    for row in data["features"]:
        cells = {}
        for instrument, cell in row["cells"].items():
            attestations: dict[str, dict[str, Any]] = {}
            for entry in cell.get("evidence", []):
                found = attestations.setdefault(
                    entry["attestation"],
                    {
                        "kind": entry["kind"],
                        "verification": entry["verification"],
                        "pinpoint": entry.get("pinpoint") or "",
                        "note": entry.get("note") or "",
                        "sources": [],
                    },
                )
                if entry.get("source"):
                    found["sources"].append(entry["source"])
            cells[instrument] = Cell(
                feature=row["id"],
                instrument=instrument,
                provisions=[provision(p) for p in cell.get("provisions", [])],
                attestations=[
                    Attestation(
                        iri=iri,
                        kind=a["kind"],
                        verification=a["verification"],
                        sources=tuple(a["sources"]),
                        pinpoint=a["pinpoint"],
                        note=a["note"],
                    )
                    for iri, a in attestations.items()
                ],
                candidates=[provision(p) for p in cell.get("candidates", [])],
                claims=[
                    Claim(
                        iri=c["iri"],
                        statement=c["statement"],
                        verification=c["verification"],
                        sources=tuple(c.get("sources", ())),
                        pinpoint=c.get("pinpoint") or "",
                        check=c.get("check") or "",
                        contradicts=tuple(c.get("contradicts", ())),
                    )
                    for c in cell.get("claims", [])
                ],
            )
        features.append(
            FeatureRow(
                id=row["id"],
                iri=row.get("iri", ""),
                label=row["label"],
                group=row["group"],
                group_label=row.get("group_label") or row["group"],
                marks=row.get("marks"),
                polarity=row.get("polarity"),
                cells=cells,
            )
        )
    return Comparison(instruments=list(data["instruments"]), features=features)


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


async def compare_page(request: Request) -> Response:
    """Serve ``/compare?i=<id>&i=<id>[&group=<group>]``: the comparison matrix."""
    endpoint = _endpoint(request)
    asked = request.query_params.getlist("i")
    groups = [g for g in request.query_params.getlist("group") if g]
    try:
        instruments = await _instruments(endpoint)
        known = [i["id"] for i in instruments]
        ids = list(dict.fromkeys(asked)) or [
            i for i in ("eu-jp-mla", "eu-us-mla", "jp-us-mlat") if i in known
        ]
        unknown = [i for i in ids if i not in known or not _INSTRUMENT_ID.match(i)]
        if unknown:
            return error_page(
                400,
                "Unknown instrument",
                f"No instrument in the graph has the id {', '.join(map(repr, unknown))}. "
                "Use one of the known instrument ids listed below, e.g. "
                "/compare?i=eu-jp-mla&i=eu-us-mla.",
                instruments=instruments,
            )
        comparison = comparison_from_dict(await endpoint.compare(ids))
    except ProtocolError as error:
        return _protocol_error_page(error)
    all_groups = [(g, label) for g, label, _ in comparison.groups()]
    if groups:
        wrong = [g for g in groups if g not in dict(all_groups)]
        if wrong:
            return error_page(
                400,
                "Unknown feature group",
                f"There is no feature group {', '.join(map(repr, wrong))}; the groups are "
                f"{', '.join(g for g, _ in all_groups)}.",
                instruments=instruments,
            )
        comparison = Comparison(
            instruments=comparison.instruments,
            features=[row for row in comparison.features if row.group in groups],
        )
    notes = comparison.notes()
    numbers = {(row.id, cell.instrument): n for n, row, cell, _ in notes}
    names = {i["id"]: i for i in instruments}
    return render(
        "compare.html",
        comparison=comparison,
        numbers=numbers,
        notes=notes,
        legend=LEGEND,
        instruments=instruments,
        names=names,
        selected=ids,
        groups=all_groups,
        selected_groups=groups,
        page="compare",
    )


def _marked(text: str) -> Markup:
    """Escape text and set every recalled mark in a span that explains it."""
    dagger = Markup('<span class="dagger" title="{}">{}</span>').format(
        RECALLED_LEGEND, RECALLED_MARK
    )
    return dagger.join(escape(part) for part in text.split(RECALLED_MARK))


def cell_html(cell: Cell, note: int | None = None) -> Markup:
    """Return a matrix cell as HTML: its text (as every renderer words it), citations linked.

    The text is :meth:`Cell.text`; each ``;``-separated citation of a present cell links to
    the provision whose citation it starts with (folded annex entries stay plain text).
    """
    text = cell.text(note)
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


# --------------------------------------------------------------------------------------------
# The ontology page
# --------------------------------------------------------------------------------------------


async def ontology_page(request: Request) -> Response:
    """Serve the HTML view of ``/ontology``: classes, properties and the feature scheme."""
    endpoint = _endpoint(request)
    try:
        terms_rows, feature_rows = await endpoint.select_many(
            [
                (endpoint.named_query("ontology_terms"), None),
                (endpoint.named_query("feature_scheme"), None),
            ],
            max_rows=100_000,
        )
    except ProtocolError as error:
        return _protocol_error_page(error)
    sections: dict[str, dict[str, dict[str, str]]] = {
        "Class": {},
        "ObjectProperty": {},
        "DatatypeProperty": {},
    }
    for row in terms_rows:
        kind = _local_name(row["kind"].value)
        term = row["term"].value
        entry = sections.setdefault(kind, {}).setdefault(
            term, {"name": term[len(_ONTOLOGY) :], "iri": term, "label": "", "comment": ""}
        )
        if "label" in row and not entry["label"]:
            entry["label"] = row["label"].value
        if "comment" in row and not entry["comment"]:
            entry["comment"] = row["comment"].value
    groups: dict[str, dict[str, Any]] = {}
    for row in feature_rows:
        group = row["group"].value
        entry = groups.setdefault(
            group,
            {
                "iri": group,
                "label": row["groupLabel"].value if "groupLabel" in row else _local_name(group),
                "features": {},
            },
        )
        entry["features"].setdefault(
            row["feature"].value,
            {
                "iri": row["feature"].value,
                "id": row["id"].value,
                "label": row["label"].value if "label" in row else row["id"].value,
            },
        )
    return render(
        "ontology.html",
        incomplete=_cut(endpoint, (terms_rows, feature_rows)),
        classes=sorted(sections["Class"].values(), key=lambda e: e["name"]),
        object_properties=sorted(sections["ObjectProperty"].values(), key=lambda e: e["name"]),
        datatype_properties=sorted(sections["DatatypeProperty"].values(), key=lambda e: e["name"]),
        groups=[{**g, "features": list(g["features"].values())} for g in groups.values()],
        namespace=_ONTOLOGY,
        page="ontology",
    )


# --------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------


def page_routes(endpoint: Endpoint) -> list[BaseRoute]:
    """Return the routes of the HTML pages and their static files.

    :param endpoint: the endpoint the pages query (also at ``request.app.state.endpoint``).
    """
    del endpoint  # the pages read it from the app state at request time
    return [
        Route("/", query_page, methods=["GET", "HEAD"], name="query_page"),
        Route("/compare", compare_page, methods=["GET", "HEAD"], name="compare_page"),
        Route("/id/instrument", instruments_page, methods=["GET", "HEAD"], name="instruments"),
        Route("/id/instrument/", instruments_page, methods=["GET", "HEAD"]),
        Route("/id/{path:path}", resource_page, methods=["GET", "HEAD"], name="resource_page"),
        Route("/feature/{path:path}", resource_page, methods=["GET", "HEAD"], name="feature_page"),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
