"""How machines find out what the server offers: the SPARQL Service Description and VoID.

Both are small RDF graphs that name the server's own URLs, so they are built per base URL
(the one the client used to reach the server) and cached.

>>> from mla_kg.server.dataset import Dataset
>>> from pathlib import Path
>>> graph = void_graph("http://127.0.0.1:8000/", Dataset(Path("store"), triples=10))
>>> str(graph.value(URIRef("http://127.0.0.1:8000/.well-known/void#dataset"), VOID.sparqlEndpoint))
'http://127.0.0.1:8000/sparql'
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from mla_kg import __version__
from mla_kg.namespaces import BASE, MLA
from mla_kg.server import protocol
from mla_kg.server.dataset import DUMPS, Dataset

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# Result formats by their W3C format IRI.
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def _new_graph() -> Graph:
    """Return an empty graph with the prefixes these descriptions use."""
    graph = Graph(bind_namespaces="core")
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    graph.bind("dct", DCTERMS)
    graph.bind("mla", MLA)
    return graph


def service_description(base_url: str, dataset: Dataset) -> Graph:
    """Return the SPARQL 1.1 Service Description of the endpoint at ``<base_url>sparql``.

    :param base_url: the server's base URL, ending in ``/``.
    :param dataset: the dataset the endpoint answers from.
    """
    graph = _new_graph()
    endpoint = URIRef(f"{base_url}sparql")
    service = URIRef(f"{base_url}sparql#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add(
        (
            service,
            DCTERMS.description,
            Literal(
                "Read-only SPARQL 1.1 endpoint of mla-kg, the knowledge graph of mutual legal "
                "assistance instruments in criminal matters. SPARQL Update and SERVICE are "
                "refused; queries are stopped after the server's timeout and answers capped "
                "at its row limit. The prefixes mla:, feat:, eli:, dct:, skos:, prov:, org:, "
                "owl:, rdf:, rdfs:, xsd: and sh: are predeclared.",
                lang="en",
            ),
        )
    )
    described = BNode()
    default_graph = BNode()
    graph.add((service, SD.defaultDataset, described))
    graph.add((described, RDF.type, SD.Dataset))
    graph.add((described, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(dataset.triples, datatype=XSD.integer)))
    for iri, triples in dataset.named_graphs.items():
        named = BNode()
        inner = BNode()
        graph.add((described, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(iri)))
        graph.add((named, SD.graph, inner))
        graph.add((inner, RDF.type, SD.Graph))
        graph.add((inner, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return graph


def void_graph(base_url: str, dataset: Dataset) -> Graph:
    """Return the VoID description of the dataset: endpoint, dumps, size and URI space.

    :param base_url: the server's base URL, ending in ``/``.
    :param dataset: the dataset the server answers from.
    """
    graph = _new_graph()
    node = URIRef(f"{base_url}.well-known/void#dataset")
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, DCTERMS.title, Literal("mla-kg", lang="en")))
    graph.add(
        (
            node,
            DCTERMS.description,
            Literal(
                "Mutual legal assistance instruments in criminal matters: provisions, "
                "features, parties, authorities and the sources and verification status of "
                "every fact.",
                lang="en",
            ),
        )
    )
    graph.add((node, DCTERMS.hasVersion, Literal(__version__)))
    graph.add((node, VOID.sparqlEndpoint, URIRef(f"{base_url}sparql")))
    for extension in DUMPS:
        graph.add((node, VOID.dataDump, URIRef(f"{base_url}dump.{extension}")))
    graph.add((node, VOID.triples, Literal(dataset.triples, datatype=XSD.integer)))
    graph.add((node, VOID.uriSpace, Literal(f"{BASE}id/")))
    graph.add((node, VOID.vocabulary, URIRef(str(MLA))))
    graph.add((node, VOID.exampleResource, BASE["id/instrument/eu-jp-mla"]))
    return graph


class Descriptions:
    """The service description and VoID of one dataset, serialized on demand and cached.

    :param dataset: the dataset the server answers from.
    """

    #: At most this many (description, base URL, format) entries are kept: the base URL comes
    #: from the client's ``Host`` header, so the cache must not grow without bound.
    MAX_CACHED = 64

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._cache: dict[tuple[str, str, str], bytes] = {}

    def get(self, kind: str, base_url: str, media_type: str) -> bytes:
        """Return the service description (``kind="sd"``) or VoID (``"void"``) as bytes.

        :param base_url: the server's base URL as the client reached it, ending in ``/``.
        :param media_type: one of :data:`~mla_kg.server.protocol.GRAPH_TYPES`.
        """
        key = (kind, base_url, media_type)
        if key in self._cache:
            return self._cache[key]
        build = service_description if kind == "sd" else void_graph
        body = build(base_url, self.dataset).serialize(
            format=_RDFLIB_FORMATS[media_type], encoding="utf-8"
        )
        if len(self._cache) < self.MAX_CACHED:
            self._cache[key] = body
        return body


_RDFLIB_FORMATS = {
    protocol.TURTLE: "turtle",
    protocol.N_TRIPLES: "nt",
    protocol.JSON_LD: "json-ld",
    protocol.RDF_XML: "xml",
}
