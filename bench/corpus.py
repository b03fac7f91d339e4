"""Synthetic treaty corpora shaped like the bundled data, for the benchmarks.

A corpus is the bundled graph (ontology, feature scheme, the real instruments) plus synthetic
bilateral instruments written to one N-Triples file until the total reaches the target size.
Each synthetic instrument looks like the real ones: an instrument record with parties, dates,
identifier and sources; articles with paragraphs and lettered points, each with number, order,
citation, heading or subject, an own-words summary, features from the real scheme, a source and
a verification status in the real proportions; presences, absences and participations.

Generation is deterministic (seeded), so two runs measure the same graph.

    python bench/corpus.py 100000 -o bench/.cache/corpus-100k.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from mla_kg import KnowledgeGraph, paths

BASE = "https://w3id.org/mla-kg/"
MLA = BASE + "ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEME = BASE + "feature/scheme"
# Proportions of the bundled agreements' subdivisions (official : scholarly : recalled).
STATUSES = ["official"] * 82 + ["scholarly"] * 43 + ["recalled"] * 169
STATES = ["AT", "BE", "DE", "ES", "FR", "IT", "JP", "KR", "NL", "PT", "US", "GB", "CN", "RU"]


def iri(text: str) -> str:
    """Return an N-Triples IRI."""
    return f"<{text}>"


def literal(text: str, *, datatype: str | None = None, language: str | None = None) -> str:
    """Return an N-Triples literal (the generator's texts need no escaping beyond quotes)."""
    body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if language:
        return f"{body}@{language}"
    if datatype:
        return f"{body}^^<{XSD}{datatype}>"
    return body


def feature_ids() -> list[str]:
    """Return the feature IRIs of the real scheme."""
    scheme = Graph().parse(paths.ONTOLOGY_DIR / "features.ttl")
    from rdflib import URIRef

    # Groups are concepts of the scheme too, but a provision names a feature inside a group.
    return sorted(
        str(f)
        for f in scheme.subjects(SKOS.inScheme, URIRef(SCHEME))
        if (f, SKOS.broader, None) in scheme
    )


def instrument_triples(
    number: int, features: list[str], sources: dict[str, str], rng: random.Random
) -> Iterator[tuple[str, str, str]]:
    """Yield the triples of one synthetic bilateral instrument."""
    ident = f"syn-{number:05d}"
    inst = f"{BASE}id/instrument/{ident}"
    a, b = rng.sample(STATES, 2)
    year = rng.randint(1960, 2024)
    status = rng.choice(STATUSES)
    yield iri(inst), iri(RDF_TYPE), iri(MLA + "Instrument")
    yield iri(inst), iri(RDF_TYPE), iri(MLA + "BilateralTreaty")
    yield iri(inst), iri(MLA + "instrumentId"), literal(ident)
    yield (
        iri(inst),
        iri(DCT + "title"),
        literal(f"Synthetic MLA treaty {a}-{b} no. {number}", language="en"),
    )
    yield iri(inst), iri(MLA + "shortTitle"), literal(f"{a}-{b} MLAT {number}")
    for state in (a, b):
        yield iri(inst), iri(MLA + "party"), iri(f"{BASE}id/state/{state}")
    yield iri(inst), iri(MLA + "dateSigned"), literal(f"{year}-03-01", datatype="date")
    yield iri(inst), iri(MLA + "entryIntoForce"), literal(f"{year + 1}-06-01", datatype="date")
    yield iri(inst), iri(MLA + "entryIntoForceStatus"), iri(MLA + status)
    yield iri(inst), iri(MLA + "entryIntoForceSource"), iri(sources[status])
    yield iri(inst), iri(MLA + "source"), iri(sources[status])
    yield iri(inst), iri(MLA + "verification"), iri(MLA + status)
    for state in (a, b):
        node = f"{inst}/participation/{state}"
        yield iri(node), iri(RDF_TYPE), iri(MLA + "Participation")
        yield iri(node), iri(MLA + "instrument"), iri(inst)
        yield iri(node), iri(MLA + "participant"), iri(f"{BASE}id/state/{state}")
        yield iri(node), iri(MLA + "bound"), literal("true", datatype="boolean")
        yield iri(node), iri(MLA + "mode"), iri(MLA + "asParty")
        yield iri(node), iri(MLA + "from"), literal(f"{year + 1}-06-01", datatype="date")
        yield iri(node), iri(MLA + "source"), iri(sources[status])
        yield iri(node), iri(MLA + "verification"), iri(MLA + status)
    for article_number in range(1, rng.randint(18, 36) + 1):
        article = f"{inst}/art/{article_number}"
        yield from subdivision(
            article,
            inst,
            inst,
            "Article",
            str(article_number),
            article_number,
            f"Art {article_number}",
            features,
            sources,
            rng,
        )
        for para_number in range(1, rng.randint(1, 4) + 1):
            paragraph = f"{article}/para/{para_number}"
            yield from subdivision(
                paragraph,
                article,
                inst,
                "Paragraph",
                str(para_number),
                para_number,
                f"Art {article_number}({para_number})",
                features,
                sources,
                rng,
            )
            for point_number in range(1, rng.choice((0, 0, 0, 2, 3, 5)) + 1):
                letter = "abcdefgh"[point_number - 1]
                yield from subdivision(
                    f"{paragraph}/point/{letter}",
                    paragraph,
                    inst,
                    "Point",
                    letter,
                    point_number,
                    f"Art {article_number}({para_number})({letter})",
                    features,
                    sources,
                    rng,
                )
    for kind in ("Presence", "Absence"):
        for feature in rng.sample(features, 4):
            node = f"{inst}/{kind.lower()}/{feature.rsplit('/', 1)[-1]}"
            yield iri(node), iri(RDF_TYPE), iri(MLA + kind)
            yield iri(node), iri(MLA + "instrument"), iri(inst)
            yield iri(node), iri(MLA + "feature"), iri(feature)
            fact_status = rng.choice(STATUSES)
            yield iri(node), iri(MLA + "source"), iri(sources[fact_status])
            yield iri(node), iri(MLA + "pinpoint"), literal("section II")
            yield iri(node), iri(MLA + "verification"), iri(MLA + fact_status)


def subdivision(
    node: str,
    parent: str,
    inst: str,
    kind: str,
    number: str,
    order: int,
    citation: str,
    features: list[str],
    sources: dict[str, str],
    rng: random.Random,
) -> Iterator[tuple[str, str, str]]:
    """Yield the triples of one subdivision, its link from the parent included."""
    yield iri(node), iri(RDF_TYPE), iri(MLA + "Subdivision")
    yield iri(node), iri(RDF_TYPE), iri(MLA + kind)
    yield iri(node), iri(ELI + "is_part_of"), iri(parent)
    yield iri(parent), iri(ELI + "has_part"), iri(node)
    yield iri(node), iri(MLA + "inInstrument"), iri(inst)
    yield iri(node), iri(MLA + "number"), literal(number)
    yield iri(node), iri(MLA + "order"), literal(str(order), datatype="integer")
    yield iri(node), iri(MLA + "citation"), literal(citation)
    label = "heading" if kind == "Article" else "subject"
    yield (
        iri(node),
        iri(MLA + label),
        literal(f"Synthetic {kind.lower()} {citation}", language="en"),
    )
    yield (
        iri(node),
        iri(MLA + "summary"),
        literal(f"A synthetic provision standing in for {citation}.", language="en"),
    )
    for feature in rng.sample(features, rng.choice((0, 0, 1, 1, 2))):
        yield iri(node), iri(MLA + "hasFeature"), iri(feature)
    status = rng.choice(STATUSES)
    yield iri(node), iri(MLA + "source"), iri(sources[status])
    yield iri(node), iri(MLA + "verification"), iri(MLA + status)


def write_corpus(target: int, out: Path, seed: int = 1959) -> tuple[int, int]:
    """Write synthetic instruments until they hold ``target`` triples (the bundled graph aside).

    The bundled graph grows with the research, so sizes count the synthetic triples only: a
    run's report gives the total each measurement really loaded.

    :returns: (total triples including the bundled graph, synthetic instruments written).
    """
    bundled = len(KnowledgeGraph())
    # A status no higher than its source supports (the shapes check it): the Ministry's page is
    # official, the seed article scholarly, a research record only recalled.
    sources = {
        "official": f"{BASE}id/source/seed-moj",
        "scholarly": f"{BASE}id/source/seed",
        "recalled": f"{BASE}id/source/research-eu-jp-mla",
    }
    features = feature_ids()
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    instruments = 0
    with out.open("w", encoding="utf-8") as stream:
        while written < target:
            instruments += 1
            for s, p, o in instrument_triples(instruments, features, sources, rng):
                stream.write(f"{s} {p} {o} .\n")
                written += 1
    return bundled + written, instruments


def main() -> int:
    """Write one corpus file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int, help="synthetic triples (bundled aside)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1959)
    args = parser.parse_args()
    total, instruments = write_corpus(args.triples, args.output, args.seed)
    print(f"{args.output}: about {total} triples ({instruments} synthetic instruments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
