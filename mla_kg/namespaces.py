"""The IRI namespaces of mla-kg and the prefixes used when IRIs are shown to people."""

from __future__ import annotations

import re

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = Namespace("https://w3id.org/mla-kg/")
MLA = Namespace("https://w3id.org/mla-kg/ontology#")
FEAT = Namespace("https://w3id.org/mla-kg/feature/")
FEATURE_GROUP = Namespace("https://w3id.org/mla-kg/feature/group/")
FEATURE_SCHEME = FEAT["scheme"]
INSTRUMENT = Namespace("https://w3id.org/mla-kg/id/instrument/")
STATE = Namespace("https://w3id.org/mla-kg/id/state/")
ORG = Namespace("https://w3id.org/mla-kg/id/org/")
SOURCE = Namespace("https://w3id.org/mla-kg/id/source/")
AUTHORITY = Namespace("https://w3id.org/mla-kg/id/authority/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

#: Prefixes for serializations and for compact display, in the order they are tried.
PREFIXES: dict[str, str] = {
    "mla": str(MLA),
    "feat": str(FEAT),
    "eli": str(ELI),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "org": "http://www.w3.org/ns/org#",
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
}

_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
_IRI_IN_TEXT = re.compile(r"<([^<>\s]+)>")


def compact(iri: str) -> str:
    """Return an IRI as ``prefix:name`` where a known prefix covers it, else as it is.

    >>> compact("https://w3id.org/mla-kg/ontology#number")
    'mla:number'
    >>> compact("https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11")
    'https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/11'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def compact_text(text: str) -> str:
    """Compact every ``<IRI>`` in a text (such as a property path) that a prefix covers.

    >>> compact_text("^<http://data.europa.eu/eli/ontology#is_part_of>")
    '^eli:is_part_of'
    """

    def replace(match: re.Match[str]) -> str:
        short = compact(match.group(1))
        return short if short != match.group(1) else match.group(0)

    return _IRI_IN_TEXT.sub(replace, text)
