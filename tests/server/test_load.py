"""Load: 8 concurrent clients sending 2,000 requests in all, lookups and comparisons, 0 errors.

The requests are named queries of ``queries/`` (instrument lookups, outlines, claims, features,
and the comparison, diff, profile and absence queries), their parameters bound the way the
remote backend binds them. Every answer must be a 200 whose rows equal what the embedded store
gives for the same text. ``MLA_KG_LOAD_PER_CLIENT`` raises the number of requests per client
(default 250; 2000 gives 8 x 2,000, which takes about a quarter of an hour on two cores).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from urllib.parse import urlencode

import httpx
import pytest

from mla_kg import KnowledgeGraph, queries
from mla_kg.remote import bind_in_where
from mla_kg.server.app import MAX_URL_BYTES

CLIENTS = 8
REQUESTS_PER_CLIENT = int(os.environ.get("MLA_KG_LOAD_PER_CLIENT", "2000"))
INSTRUMENTS = ("eu-jp-mla", "eu-us-mla", "jp-us-mlat")
LOOKUPS = [
    ("list_instruments", {}),
    *[("instrument_outline", {"instrument": i}) for i in INSTRUMENTS],
    *[("claims_about", {"instrument": i}) for i in INSTRUMENTS],
    *[("features_used", {"instrument": i}) for i in INSTRUMENTS],
    ("provisions_with_feature", {}),
]
COMPARISONS = [
    ("compare_features", {}),
    ("compare_features", {"instrument": ["eu-jp-mla", "jp-us-mlat"]}),
    ("diff_instruments", {"a": "eu-jp-mla", "b": "eu-us-mla"}),
    ("diff_instruments", {"a": "eu-us-mla", "b": "jp-us-mlat"}),
    ("model_profile", {}),
    ("absent_features", {}),
]


def query_text(kg: KnowledgeGraph, name: str, params: Mapping[str, object]) -> str:
    """Return the named query with its validated parameters bound as the remote backend does.

    Single values open the WHERE group as ``VALUES`` (:func:`mla_kg.remote.bind_in_where`);
    lists become a trailing ``VALUES`` clause (:func:`mla_kg.queries.render_values`).
    """
    query = queries.get(name)
    bound = queries.bind_parameters(query, params, kg)
    single = {var: value for var, value in bound.items() if not isinstance(value, list)}
    lists = {var: value for var, value in bound.items() if isinstance(value, list)}
    text = bind_in_where(query.text, single)
    return text.rstrip() + queries.render_values(lists) if lists else text


def canonical(rows: list[dict[str, str]]) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted(row.items())) for row in rows)


def embedded_rows(kg: KnowledgeGraph, text: str) -> list[tuple[tuple[str, str], ...]]:
    rows = []
    for row in kg.query(text):
        rows.append({var: str(value) for var, value in row.items()})
    return canonical(rows)


def served_rows(document: dict) -> list[tuple[tuple[str, str], ...]]:
    rows = [
        {var: b["value"] for var, b in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    return canonical(rows)


@pytest.mark.slow
def test_concurrent_lookups_and_comparisons(server, kg):
    lookups = [(name, query_text(kg, name, params)) for name, params in LOOKUPS]
    comparisons = [(name, query_text(kg, name, params)) for name, params in COMPARISONS]
    expected = {text: embedded_rows(kg, text) for _, text in lookups + comparisons}
    assert all(expected.values()), "every query of the mix has rows"
    errors: list[str] = []
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        with httpx.Client(timeout=60) as http:
            for index in range(REQUESTS_PER_CLIENT):
                # One request in four is a comparison; each client starts at its own place.
                kind = "comparison" if index % 4 == 3 else "lookup"
                choices = comparisons if kind == "comparison" else lookups
                name, text = choices[(number * 5 + index // 4 + index) % len(choices)]
                # GET and the two POST forms in turn, as clients send them: a query too long
                # for a URL (the server answers 414) is POSTed, as SPARQL clients do.
                fits = len(urlencode({"query": text})) < MAX_URL_BYTES - 100
                try:
                    if index % 3 == 0 and fits:
                        response = http.get(server.sparql, params={"query": text})
                    elif index % 3 == 1:
                        response = http.post(server.sparql, data={"query": text})
                    else:
                        response = http.post(
                            server.sparql,
                            content=text.encode(),
                            headers={"Content-Type": "application/sparql-query"},
                        )
                    ok = response.status_code == 200
                    ok = ok and served_rows(response.json()) == expected[text]
                    problem = "" if ok else f"{name}: {response.status_code} {response.text[:200]}"
                except httpx.HTTPError as error:
                    problem = f"{name}: {type(error).__name__}: {error}"
                with lock:
                    counts[kind] += 1
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(1800)
    duration = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads)
    total = sum(counts.values())
    print(
        f"\nload: {CLIENTS} clients x {REQUESTS_PER_CLIENT} requests = {total} "
        f"({counts['lookup']} lookups, {counts['comparison']} comparisons), "
        f"{len(errors)} errors, {duration:.1f} s, {total / duration:.0f} requests/s"
    )
    assert total == CLIENTS * REQUESTS_PER_CLIENT
    assert counts["comparison"] == CLIENTS * (REQUESTS_PER_CLIENT // 4)  # one in four
    assert errors == [], errors[:5]
    assert server.health()["status"] == "ok"
