"""One measurement in a fresh process, printed as JSON (so peak RSS is this measurement's own).

    python bench/probe.py load-compare --backend oxigraph --corpus bench/.cache/corpus-100k.nt \
        --repeat 5
    python bench/probe.py engine --corpus bench/.cache/corpus-100k.nt --repeat 5
    python bench/probe.py validate --repeat 5

``load-compare`` times loading the bundled graph plus the corpus, the first comparison
(``compare()`` of the three agreements, cold caches), then ``--repeat`` warm comparisons, and
reports the process's peak resident set size. ``--compare-limit`` stops the warm repetitions
once their total passes that many seconds (rdflib's engine at 1M triples); the report then says
how many ran.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

AGREEMENTS = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_compare(backend: str, corpus: Path | None, repeat: int, limit: float) -> dict:
    """Time load, first compare and warm compares on one backend."""
    started = time.perf_counter()
    from mla_kg import KnowledgeGraph

    kg = KnowledgeGraph(backend=backend, extra_files=[corpus] if corpus else ())
    loaded = time.perf_counter()
    comparison = kg.compare(AGREEMENTS)
    first = time.perf_counter()
    warm: list[float] = []
    while len(warm) < repeat and sum(warm) < limit:
        t0 = time.perf_counter()
        kg.compare(AGREEMENTS)
        warm.append(time.perf_counter() - t0)
    return {
        "backend": backend,
        "triples": len(kg),
        "load_s": loaded - started,
        "first_compare_s": first - loaded,
        "warm_compare_s": warm,
        "features": len(comparison),
        "peak_rss_mb": peak_rss_mb(),
    }


def engine(corpus: Path | None, repeat: int) -> dict:
    """Time the comparison's own queries through ``kg.query`` only (the engine-only figure).

    The same three ``compare_features`` queries, one instrument bound each, that a first
    ``compare()`` runs, answered as rdflib terms, in a fresh process after the same load; the
    first repetition is the one to set against a first comparison.
    """
    from mla_kg import KnowledgeGraph
    from mla_kg.graph import queries

    kg = KnowledgeGraph(extra_files=[corpus] if corpus else ())
    text = queries.get("compare_features").text
    iris = [kg.instrument_iri(agreement) for agreement in AGREEMENTS]
    times = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        for iri in iris:
            kg.query(text, {"instrument": iri})
        times.append(time.perf_counter() - t0)
    return {"engine_first_s": times[0], "engine_s": times}


def validate(repeat: int) -> dict:
    """Time SHACL validation of the bundled data (shapes, checks, pyshacl)."""
    from mla_kg.validate import validate as run_validation

    times = []
    conforms = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = run_validation()
        times.append(time.perf_counter() - t0)
        conforms = report.conforms
    return {"validate_s": times, "conforms": conforms, "peak_rss_mb": peak_rss_mb()}


def main() -> int:
    """Run one probe and print its JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("probe", choices=["load-compare", "engine", "validate"])
    parser.add_argument("--backend", default="oxigraph")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare-limit", type=float, default=float("inf"))
    args = parser.parse_args()
    if args.probe == "load-compare":
        result = load_compare(args.backend, args.corpus, args.repeat, args.compare_limit)
    elif args.probe == "engine":
        result = engine(args.corpus, args.repeat)
    else:
        result = validate(args.repeat)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
