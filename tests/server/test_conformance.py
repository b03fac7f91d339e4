"""The W3C SPARQL 1.1 Protocol test suite against ``mla-kg serve``.

The suite is read from ``../shared/conformance/sparql11-protocol/`` (never copied here). Its data
files are served as named graphs under their labels (``--graph LABEL=FILE``), as the manifest's
``ut:graphData`` asks. Every ``query_*`` and ``bad_*`` test must pass as the manifest says. The
endpoint is read-only, so each ``update_*`` test must instead get the read-only refusal (403)
for its update request, and the queries that follow it must show that nothing changed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

SUITE = "conformance/sparql11-protocol"
_SUITE_DIR = Path(__file__).resolve().parents[3] / "shared" / SUITE
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SRX = "{http://www.w3.org/2005/sparql-results#}"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
#: What the suite counts: filled in as the tests run, checked by the last test.
OUTCOMES: Counter[str] = Counter()


@dataclass
class HttpRequest:
    """One ``ht:Request`` of the manifest and the response it expects."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    result_format: str | None

    @property
    def is_update(self) -> bool:
        content_type = self.headers.get("content-type", "")
        return "sparql-update" in content_type or (
            self.body is not None and self.body.startswith(b"update=")
        )


@dataclass
class ProtocolTest:
    """One ``mf:ProtocolTest``."""

    name: str
    title: str
    requests: list[HttpRequest]
    graphs: dict[str, str] = field(default_factory=dict)


def _requests(manifest: Graph, action: URIRef) -> Iterator[HttpRequest]:
    for request in Collection(manifest, manifest.value(action, HT.requests)):
        headers = {}
        header_list = manifest.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(manifest, header_list):
                name = str(manifest.value(header, HT.fieldName)).lower()
                headers[name] = str(manifest.value(header, HT.fieldValue))
        body = None
        content = manifest.value(request, HT.body)
        if content is not None:
            encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
            body = str(manifest.value(content, CNT.chars)).encode(encoding)
        response = manifest.value(request, HT.resp)
        statuses = {str(s).removeprefix(HTS) for s in manifest.objects(response, MF.expectedStatus)}
        boolean = manifest.value(response, MF.expectedBoolean)
        result_format = manifest.value(response, MF.expectedFormat)
        yield HttpRequest(
            method=str(manifest.value(request, HT.methodName)),
            path=str(manifest.value(request, HT.absolutePath)),
            headers=headers,
            body=body,
            statuses=statuses,
            boolean=None if boolean is None else boolean.toPython(),
            result_format=None if result_format is None else str(result_format),
        )


def load_suite(directory: Path) -> list[ProtocolTest]:
    """Read the manifest: every test in its ``mf:entries`` order."""
    manifest = Graph().parse(directory / "manifest.ttl", format="turtle")
    root = next(manifest.subjects(MF.entries, None))
    tests = []
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        graphs = {}
        for data in manifest.objects(entry, UT.graphData):
            file = Path(str(manifest.value(data, UT.graph)).removeprefix("file://"))
            graphs[str(manifest.value(data, RDFS.label))] = str(directory / file.name)
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[-1],
                title=str(manifest.value(entry, MF.name)),
                requests=list(_requests(manifest, manifest.value(entry, MF.action))),
                graphs=graphs,
            )
        )
    return tests


# Collected when the suite is there; otherwise the tests below skip through `shared_path`.
SUITE_TESTS = load_suite(_SUITE_DIR) if (_SUITE_DIR / "manifest.ttl").is_file() else []


@pytest.fixture(scope="module")
def suite(shared_path: Callable[[str], Path]) -> list[ProtocolTest]:
    return load_suite(shared_path(SUITE))


@pytest.fixture(scope="module")
def suite_server(suite: list[ProtocolTest], start_server: Callable[..., Any]) -> Any:
    graphs: dict[str, str] = {}
    for test in suite:
        graphs.update(test.graphs)
    args = [arg for label, file in sorted(graphs.items()) for arg in ("--graph", f"{label}={file}")]
    running = start_server("--workers", "2", "--no-pages", *args)
    yield running
    running.stop()


def send(server: Any, request: HttpRequest) -> httpx.Response:
    """Send a manifest request; its paths start with /sparql/, this endpoint is /sparql."""
    assert request.path.startswith("/sparql/"), request.path
    url = httpx.URL(server.sparql + request.path.removeprefix("/sparql/"))
    return httpx.request(
        request.method, url, headers=request.headers, content=request.body, timeout=60
    )


def read_boolean(response: httpx.Response) -> bool:
    content_type = response.headers["content-type"].split(";")[0]
    if content_type == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    assert content_type == "application/sparql-results+xml", content_type
    return ET.fromstring(response.content).find(f"{SRX}boolean").text == "true"


def check_response(request: HttpRequest, response: httpx.Response) -> None:
    """Assert the response is what the manifest expects of it."""
    status_class = f"{response.status_code // 100}xx"
    assert status_class in request.statuses, (
        f"{request.method} {request.path}: status {response.status_code}, expected "
        f"{sorted(request.statuses)}: {response.text[:300]}"
    )
    content_type = response.headers.get("content-type", "").split(";")[0]
    if request.result_format == "boolean":
        assert content_type in BOOLEAN_TYPES
        read_boolean(response)
    elif request.result_format == "tabular":
        assert content_type in TABULAR_TYPES
        if content_type == "application/sparql-results+json":
            assert "bindings" in json.loads(response.content)["results"]
    elif request.result_format == "RDF":
        assert content_type in RDF_TYPES
        Graph().parse(data=response.content, format=RDF_TYPES[content_type])
    if request.boolean is not None:
        assert read_boolean(response) is request.boolean


def by_kind(prefix: str) -> list[ProtocolTest]:
    return [test for test in SUITE_TESTS if test.name.startswith(prefix)]


@pytest.mark.parametrize("test", by_kind("query_"), ids=lambda test: test.name)
def test_query(suite_server: Any, test: ProtocolTest) -> None:
    for request in test.requests:
        check_response(request, send(suite_server, request))
    OUTCOMES["query passed"] += 1


@pytest.mark.parametrize("test", by_kind("bad_"), ids=lambda test: test.name)
def test_bad_request(suite_server: Any, test: ProtocolTest) -> None:
    for request in test.requests:
        assert request.statuses == {"4xx"}, "every bad_* test expects a 4xx"
        check_response(request, send(suite_server, request))
    OUTCOMES["bad passed"] += 1


@pytest.mark.parametrize("test", by_kind("update_"), ids=lambda test: test.name)
def test_update_is_refused(suite_server: Any, test: ProtocolTest) -> None:
    refused = 0
    for request in test.requests:
        response = send(suite_server, request)
        if request.is_update:
            assert response.status_code == 403, response.text
            assert "read-only" in response.text
            refused += 1
        else:
            # The check after an update: it expects to see the update's effect, which the
            # refusal prevented, so the answer must be the opposite of the manifest's.
            assert response.status_code == 200, response.text
            assert request.boolean is True
            assert read_boolean(response) is False
    assert refused >= 1
    OUTCOMES["update refused"] += 1


def test_the_whole_suite_ran(suite: list[ProtocolTest], suite_server: Any) -> None:
    kinds = Counter(test.name.split("_", 1)[0] for test in suite)
    assert set(kinds) == {"query", "bad", "update"}, kinds
    assert len(SUITE_TESTS) == len(suite)
    health = suite_server.health()
    graphs = {label: file for test in suite for label, file in test.graphs.items()}
    sizes = {label: len(Graph().parse(file, format="nt")) for label, file in graphs.items()}
    assert health["named_graphs"] == sizes
    print(
        f"\nW3C SPARQL 1.1 Protocol suite: {kinds['query']} query_* tests, {kinds['bad']} bad_* "
        f"tests, {kinds['update']} update_* tests; this run: {dict(OUTCOMES)}"
    )
    if OUTCOMES:  # when the whole module ran, every test must have counted itself
        assert OUTCOMES == Counter(
            {
                "query passed": kinds["query"],
                "bad passed": kinds["bad"],
                "update refused": kinds["update"],
            }
        )
