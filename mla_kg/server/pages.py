"""The HTML pages of ``mla-kg serve``: the query page, the ontology page, and the routes.

The resource pages are in :mod:`mla_kg.server.resource_pages`, the comparison page in
:mod:`mla_kg.server.compare_page`, what they share in :mod:`mla_kg.server.page_base`. Imports
run one way: pages -> resource_pages / compare_page -> page_base -> endpoint (types only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mla_kg.graph.queries import load_queries
from mla_kg.namespaces import PREFIXES
from mla_kg.server.protocol import ProtocolError

if TYPE_CHECKING:
    from mla_kg.server.endpoint import Endpoint

from mla_kg.server.compare_page import compare_page
from mla_kg.server.page_base import (  # noqa: F401  # noqa: F401
    _ONTOLOGY,
    STATIC_DIR,
    _cut,
    _endpoint,
    _local_name,
    _protocol_error_page,
    instrument_rows,
    local_href,
    render,
    resource_iri,
    short_name,
)
from mla_kg.server.resource_pages import instruments_page, resource_page

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
    """Serve ``/``: the instruments of the graph, and the SPARQL editor with the examples."""
    endpoint = _endpoint(request)
    examples = example_queries()
    # ?example=<name> preselects a named query; ?query=<text> fills the editor (shown escaped).
    chosen = request.query_params.get("example", "")
    chosen = chosen if any(e["name"] == chosen for e in examples) else ""
    try:  # the instruments of the graph, listed above the editor
        instruments = await instrument_rows(endpoint)
    except ProtocolError as error:
        return _protocol_error_page(error)
    return render(
        "query.html",
        examples=examples,
        chosen=chosen,
        initial_query=request.query_params.get("query"),
        prefixes=PREFIXES,
        max_rows=endpoint.max_rows,
        timeout=endpoint.timeout,
        triples=endpoint.triples,
        instruments=instruments,
        page="query",
    )


async def service_page(request: Request) -> Response:
    """Serve ``/sparql`` to a browser: the Service Description in words, with the examples."""
    from mla_kg.server import protocol

    endpoint = _endpoint(request)
    base = endpoint.base_url(request)
    return render(
        "service.html",
        endpoint_url=f"{base}sparql",
        examples=example_queries(),
        select_types=protocol.SELECT_TYPES,
        graph_types=protocol.GRAPH_TYPES,
        ask_types=protocol.ASK_TYPES,
        max_rows=endpoint.max_rows,
        max_bytes=endpoint.max_bytes,
        timeout=endpoint.timeout,
        triples=endpoint.triples,
        federation=endpoint.allow_federation,
        sandboxed=endpoint.network_sandbox,
        page="service",
    )


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
