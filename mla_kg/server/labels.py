"""How the pages name properties: the ontology's English label, else the local name in words.

A page shows ``entry into force verification`` where the data says ``mla:entryIntoForceStatus``
(the IRI stays in the link's title); a term from another vocabulary without a label of ours is
shown as its local name with the camel case undone (``eli:is_part_of`` as ``is part of``).
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph

from mla_kg import paths

_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: Labels of common terms of other vocabularies the data uses.
_OTHER_LABELS = {
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/bibliographicCitation": "bibliographic citation",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "derived from",
}


@cache
def _ontology_labels() -> dict[str, str]:
    """Return the English label of every term of the bundled ontology, by IRI."""
    labels: dict[str, str] = {}
    for path in paths.ontology_files(include_shapes=False):
        with path.open("rb") as stream:
            for quad in pyoxigraph.parse(stream, format=pyoxigraph.RdfFormat.TURTLE):
                literal = quad.object
                if quad.predicate.value != _LABEL or not isinstance(literal, pyoxigraph.Literal):
                    continue
                if (literal.language or "en").startswith("en"):
                    labels.setdefault(quad.subject.value, literal.value)
    return labels


def words(name: str) -> str:
    """Return a camelCase or snake_case name in words.

    >>> words("entryIntoForceStatus"), words("is_part_of")
    ('entry into force status', 'is part of')
    """
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced.lower()


def property_label(iri: str) -> str:
    """Return how a page names a property (or any term): its label, else its name in words."""
    label = _ontology_labels().get(iri) or _OTHER_LABELS.get(iri)
    return label or words(re.split(r"[#/]", iri.rstrip("/#"))[-1])
