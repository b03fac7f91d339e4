"""The RDF namespaces, statuses and instrument kinds of the generated data."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/mla-kg/"


MLA = Namespace(BASE + "ontology#")


FEAT = Namespace(BASE + "feature/")


ELI = Namespace("http://data.europa.eu/eli/ontology#")


INSTRUMENT = Namespace(BASE + "id/instrument/")


STATE = Namespace(BASE + "id/state/")


ORG = Namespace(BASE + "id/org/")


SOURCE = Namespace(BASE + "id/source/")


AUTHORITY = Namespace(BASE + "id/authority/")


STATUSES = {"official": MLA.official, "scholarly": MLA.scholarly, "recalled": MLA.recalled}


#: Strength of a status, for the "never upgrade" guard.
STATUS_RANK = {"recalled": 0, "scholarly": 1, "official": 2}


KIND_CLASSES = {
    "bilateral-treaty": MLA.BilateralTreaty,
    "bilateral-agreement": MLA.BilateralAgreement,
    "multilateral-convention": MLA.MultilateralConvention,
    "protocol": MLA.Protocol,
    "directive": MLA.EUAct,
    "eu-act": MLA.EUAct,
    "model-law": MLA.ModelLaw,
    "domestic-law": MLA.DomesticLaw,
}


PREFIXES = {
    "mla": MLA,
    "feat": FEAT,
    "eli": ELI,
    "dct": DCTERMS,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "owl": OWL,
    "state": STATE,
    "source": SOURCE,
    "authority": AUTHORITY,
    "prov": PROV,
}


def new_graph() -> Graph:
    """Return an empty graph with the project's fixed prefixes."""
    g = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    return g
