"""The resource pages of ``mla-kg serve``: one page per IRI under ``/id/`` and ``/feature/``.

The outline of an instrument page, and the parts, breadcrumbs and features of a subdivision
page, are the comparison layer's :class:`~mla_kg.compare.Outline` (what ``mla-kg outline``
prints), built in a worker; the page renders it and builds no tree of its own.

User input reaches SPARQL only as engine bindings (``URIRef`` values built from validated path
segments), never as query text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from mla_kg.citation import InstrumentFacts, bibtex, csl_json, official_link, oscola
from mla_kg.namespaces import STATE, compact
from mla_kg.server import protocol
from mla_kg.server.page_base import (
    _KEY_FACTS,
    _KINDS,
    _LABEL_PROPERTIES,
    _LEADING_PROPERTIES,
    _ONTOLOGY,
    _RDF_TYPE,
    RESOURCE_TYPES,
    _cut,
    _endpoint,
    _english_first,
    _instruments,
    _local_name,
    _natural_key,
    _protocol_error_page,
    _status,
    error_page,
    instrument_rows,
    render,
    resource_iri,
)
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.results import Term
from mla_kg.server.state_page import Binding, state_bindings

if TYPE_CHECKING:
    from mla_kg.compare import OutlineFeature, OutlineNode
    from mla_kg.server.endpoint import Endpoint


# --------------------------------------------------------------------------------------------
# Resource pages
# --------------------------------------------------------------------------------------------


@dataclass
class Value:
    """One value of a property on a resource page, with the label and status of a node."""

    term: Term
    label: str | None = None
    verification: str | None = None


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
    """Return the page title of a resource: its citation, title or label, else its IRI.

    A provision's title carries its heading where the data records one ("Art 11 — Grounds for
    refusal of assistance"), in English where there is an English heading.
    """
    by_property = {prop.value: values for prop, values in properties}
    for name in _LABEL_PROPERTIES:
        literals = [v.term for v in by_property.get(name, []) if v.term.kind == "literal"]
        best = _english_first(literals)
        if best is not None:
            recorded = by_property.get(f"{_ONTOLOGY}heading", [])
            headings = [v.term for v in recorded if v.term.kind == "literal"]
            heading = _english_first(headings)
            if name == f"{_ONTOLOGY}citation" and heading is not None:
                return f"{best.value} — {heading.value}"
            return best.value
    return _local_name(iri)


def _instrument_of(properties: list[tuple[Term, list[Value]]]) -> str | None:
    """Return the IRI of the instrument a resource is in (``mla:inInstrument``), if any."""
    within = (
        v.term.value for p, vs in properties if p.value == f"{_ONTOLOGY}inInstrument" for v in vs
    )
    return next(within, None)


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


_VARY = {"Vary": "Accept"}
_PAGE_QUERIES = ("resource_properties", "resource_incoming", "instrument_attestations")


@dataclass
class OutlinePart:
    """What a page shows of its instrument's outline (empty for pages outside an instrument).

    :ivar parts: the subdivisions under the page's resource (an instrument's whole outline).
    :ivar breadcrumbs: (IRI, citation) of the instrument and each part above a subdivision.
    :ivar features: the features the subdivision itself carries.
    """

    parts: list[OutlineNode] = field(default_factory=list)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)
    features: list[OutlineFeature] = field(default_factory=list)


async def _outline_part(
    endpoint: Endpoint, iri: str, kinds: set[str], instrument: str | None
) -> OutlinePart:
    """Return the part of the domain's outline a resource page shows.

    :param instrument: the instrument the resource is in (``mla:inInstrument``), if any.
    :raises ProtocolError: when the worker fails, except for an instrument it does not know
        (then the page has no outline).
    """
    within = iri if "instrument" in kinds else instrument
    if within is None:
        return OutlinePart()
    try:
        found = await endpoint.outline(within)
    except ProtocolError as error:
        if error.status == 404:
            return OutlinePart()
        raise
    if within == iri:
        return OutlinePart(parts=found.parts)
    try:
        above, node = found.locate(iri)
    except KeyError:  # in the instrument, but not one of its subdivisions
        return OutlinePart()
    crumbs = [(within, found.instrument)] + [(part.iri, part.citation) for part in above]
    return OutlinePart(
        parts=node.children,
        breadcrumbs=crumbs if "subdivision" in kinds else [],
        features=node.features,
    )


async def _resource_rdf(endpoint: Endpoint, iri: str, media_type: str) -> Response:
    """Send a resource's triples in an RDF syntax, or 404 when the graph has none."""
    answer = await endpoint.graph(
        endpoint.named_query("resource_triples"), {"resource": URIRef(iri)}, accept=media_type
    )
    if answer.count == 0:
        return PlainTextResponse(
            f"404 Not Found: the graph has no statements about {iri}\n",
            status_code=404,
            headers=_VARY,
        )
    return Response(answer.body, media_type=answer.media_type, headers=_VARY)


async def _no_such_resource(endpoint: Endpoint, iri: str) -> Response:
    """Render the 404 page of an IRI the graph says nothing about, with the instruments."""
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


def _render_resource(
    endpoint: Endpoint,
    iri: str,
    answers: list[list[Any]],
    properties: list[tuple[Term, list[Value]]],
    outline: OutlinePart,
    cite: dict[str, Any] | None = None,
    bound: list[Binding] | None = None,
) -> Response:
    """Render the HTML page of a resource from the answers of :data:`_PAGE_QUERIES`.

    :param properties: the resource's own statements, as :func:`_property_table` built them
        from the first answer.
    :param outline: what the page shows of the domain's outline (:func:`_outline_part`).
    """
    _, incoming_rows, attestation_rows = answers
    kinds = _kinds(properties)
    by_property = {prop.value: values for prop, values in properties}
    instrument = _instrument_of(properties)
    verification = next(
        (_status(v.term) for v in by_property.get(f"{_ONTOLOGY}verification", [])), None
    )
    shown_facts = _KEY_FACTS if "instrument" in kinds else ()
    facts = [(name, by_property[name]) for name in shown_facts if name in by_property]
    response = render(
        "resource.html",
        iri=iri,
        title=_title(properties, iri),
        kinds=sorted(kinds),
        properties=properties,
        incoming=_incoming_table(incoming_rows),
        outline=outline.parts,
        facts=facts,
        incomplete=_cut(endpoint, answers),
        attestations=_attestations(attestation_rows),
        breadcrumbs=outline.breadcrumbs,
        instrument=instrument,
        own_features=outline.features,
        verification=verification,
        formats=protocol.GRAPH_TYPES,
        cite=cite,
        bound=bound,
        page="resource",
    )
    response.headers.update(_VARY)
    return response


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
    if chosen is None:
        return PlainTextResponse(
            f"406 Not Acceptable: {iri} can be sent as {', '.join(RESOURCE_TYPES)}; "
            "ask for one of them in Accept\n",
            status_code=406,
            headers=_VARY,
        )
    endpoint = _endpoint(request)
    try:
        if chosen != protocol.HTML:
            return await _resource_rdf(endpoint, iri, chosen)
        binding = {"resource": URIRef(iri)}
        answers = await endpoint.select_many(
            [(endpoint.named_query(name), binding) for name in _PAGE_QUERIES], max_rows=100_000
        )
    except ProtocolError as error:
        return _protocol_error_page(error)
    if not answers[0] and not answers[1]:
        return await _no_such_resource(endpoint, iri)
    properties = _property_table(answers[0])
    try:
        outline = await _outline_part(endpoint, iri, _kinds(properties), _instrument_of(properties))
    except ProtocolError as error:
        return _protocol_error_page(error)
    cite = await _citation(endpoint, iri, properties)
    bound = None
    if iri.startswith(str(STATE)):
        bound = await state_bindings(endpoint, iri, iri[len(str(STATE)) :])
    return _render_resource(endpoint, iri, answers, properties, outline, cite, bound)


async def _citation(
    endpoint: Endpoint, iri: str, properties: list[tuple[Term, list[Value]]]
) -> dict[str, Any] | None:
    """Return the "Cite" block of an instrument or provision page (None for other pages)."""
    kinds = _kinds(properties)
    by_property = {prop.value: values for prop, values in properties}
    if "instrument" in kinds:
        instrument, citation = iri, None
    else:
        within = [v.term.value for v in by_property.get(f"{_ONTOLOGY}inInstrument", [])]
        cited = [v.term.value for v in by_property.get(f"{_ONTOLOGY}citation", [])]
        if not within or not cited:
            return None
        instrument, citation = within[0], cited[0]
    statuses = [_status(v.term) for v in by_property.get(f"{_ONTOLOGY}verification", [])]
    try:
        rows = await endpoint.select(
            endpoint.named_query("citation_facts"), {"instrument": URIRef(instrument)}
        )
    except ProtocolError:
        return None  # the page still renders; the block is left out
    if not rows:
        return None
    first = rows[0]

    def text(name: str) -> str:
        return first[name].value if name in first else ""

    facts = InstrumentFacts(
        id=text("id"),
        iri=instrument,
        title=text("title") or text("shortTitle") or text("id"),
        short_title=text("shortTitle"),
        signed=text("signed"),
        in_force=text("inForce"),
        publication=text("publication"),
        official_texts=[r["officialText"].value for r in rows if "officialText" in r],
    )
    return {
        "oscola": oscola(facts, citation),
        "bibtex": bibtex(facts),
        "csl": csl_json(facts),
        "link": official_link(facts, citation),
        "pinpointed": citation is not None,
        # A pinpoint to a provision that is only recalled may not exist as cited.
        "recalled": citation is not None and "recalled" in statuses,
    }


async def instruments_page(request: Request) -> Response:
    """Serve ``/id/instrument``: the instruments of the graph (named query ``list_instruments``)."""
    try:
        instruments = await instrument_rows(_endpoint(request))
    except ProtocolError as error:
        return _protocol_error_page(error)
    return render("instruments.html", instruments=instruments, page="instruments")
