"""Fuzz ``mla-kg serve`` with malformed requests: none may get a 5xx, and the server stays healthy.

The requests come from a fixed seed, so a failure can be replayed: random and mutated query
strings, broken percent-encoding, non-UTF-8 bodies, huge headers, wrong methods, wrong media
types, odd ``Accept`` headers and graph IRIs (among them IRIs that simple checks accept and
pyoxigraph refuses), percent-encoding inside parameter values, POSTs that hang up half-way, huge
parameters, odd paths, and bytes that are not HTTP at all.
Requests that must reach the server byte for byte go over a raw socket.
"""

from __future__ import annotations

import random
import re
import socket
import string
from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx

SEED = 20261122
ROUNDS = 4_200  # at least 4,000 requests
VALID = [
    "SELECT ?i ?id WHERE { ?i mla:instrumentId ?id } LIMIT 5",
    "ASK { ?s a mla:Instrument }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a mla:State ; ?p ?o } LIMIT 20",
    "DESCRIBE <https://w3id.org/mla-kg/id/instrument/eu-jp-mla>",
    'SELECT ?x WHERE { BIND("caf\u00e9 \u65e5\u672c" AS ?x) }',
]
METHODS = ["PUT", "DELETE", "PATCH", "TRACE", "FOO", "PROPFIND", "OPTIONS"]
MEDIA_TYPES = [
    "text/plain",
    "application/json",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/sparql-update",
    "application/sparql-query;;;",
    ";",
    "\u00e9/\u00e9",
    "*/*",
]
PATHS = [
    "/sparql",
    "/sparql/",
    "/.well-known/void",
    "/dump.ttl",
    "/dump.xyz",
    "/health",
    "/ontology",
    "/",
    "/compare",
    "/id/instrument/eu-jp-mla",
    "/id/instrument/",
    "/static/",
    "/nothing",
]
FORM = "application/x-www-form-urlencoded"
#: Graph IRIs that simple checks accept and pyoxigraph refuses (found by an independent fuzz).
ENGINE_REFUSED_IRIS = ["http://a%zz/", "a:b#c#d", "http://[::1/", "x:%", "http://a b/", "h:\u00e9"]
IRI_PIECES = ["http://", "https://", "urn:", "a:", "x:", "//", "[", "]", "::1", "%", "%25", "%zz",
              "%2", "#", "?", "@", ":", "80", "/", "a", "\u00e9", "\ud7ff", " ", "\\", "<", ">",
              "{", "|", "^", "`", '"', "\u0000", ".."]  # fmt: skip
_STATUS = re.compile(rb"HTTP/1\.[01] (\d{3})")


def random_text(rng: random.Random, size: int) -> str:
    alphabet = string.printable + "{}<>?\"'\\#%&+=\u00e9\u65e5\u0000\ud7ff\u202e"
    return "".join(rng.choice(alphabet) for _ in range(size))


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4 and chars:
            del chars[min(position, len(chars) - 1)]
        elif action < 0.8:
            chars.insert(position, rng.choice("{}()<>?.;,\"'#*\\^@"))
        elif chars:
            chars[min(position, len(chars) - 1)] = rng.choice(string.printable)
    return "".join(chars)


def odd_iri(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(ENGINE_REFUSED_IRIS)
    return "".join(rng.choice(IRI_PIECES) for _ in range(rng.randint(1, 10)))


def aborted_post(port: int, rng: random.Random) -> None:
    """Announce a body, send part of it (or none), and hang up."""
    body = rng.choice(VALID).encode()
    head = raw_request("POST", "/sparql", {"Content-Type": "application/sparql-query"})
    head = head.replace(b"Content-Length: 0", f"Content-Length: {len(body) + 500}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head + body[: rng.randrange(len(body))])


def broken_percent(rng: random.Random) -> str:
    pieces = ["%", "%G1", "%E2%82", "%FF%FE", "%C3%28", "%ED%A0%80", "+", "%00", "%%", "%2", "ASK"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))


def raw(port: int, data: bytes) -> int | None:
    """Send bytes as they are; return the status of the answer, or None if the server hung up."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        received = b""
        try:
            while b"\r\n" not in received:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                received += chunk
        except ConnectionResetError:
            return None
    match = _STATUS.match(received)
    return int(match.group(1)) if match else None


def raw_request(method: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body


def test_malformed_requests_never_get_a_5xx(server):
    rng = random.Random(SEED)
    port = server.port
    statuses: Counter[int | None] = Counter()
    kinds: Counter[str] = Counter()
    failures: list[str] = []

    with httpx.Client(base_url=server.url, timeout=60) as client:

        def via_httpx(kind: str, method: str, url: str, **options: Any) -> None:
            response = client.request(method, url, **options)
            note(kind, response.status_code, response.text[:200])

        def via_socket(kind: str, data: bytes) -> None:
            note(kind, raw(port, data), data[:120].decode("latin-1"))

        def note(kind: str, status: int | None, detail: str) -> None:
            kinds[kind] += 1
            statuses[status] += 1
            if status is not None and status >= 500:
                failures.append(f"{kind}: {status}: {detail!r}")

        for round_number in range(ROUNDS):
            choice = round_number % 16
            if choice == 12:  # graph IRIs of odd syntax, percent-encoded in the URL
                params = [("query", rng.choice(VALID))]
                for _ in range(rng.randint(1, 3)):
                    name = rng.choice(["default-graph-uri", "named-graph-uri"])
                    params.append((name, odd_iri(rng)))
                via_httpx("odd graph IRI", rng.choice(["GET", "POST"]), "/sparql", params=params)
                continue
            if choice == 13:  # percent-encoding inside parameter values, as a form and a URL
                value = quote(rng.choice(VALID)) + broken_percent(rng) + odd_iri(rng)
                body = f"query={quote(value)}&default-graph-uri={quote(odd_iri(rng))}".encode()
                via_socket(
                    "encoded parameters",
                    raw_request("POST", "/sparql", {"Content-Type": FORM}, body),
                )
                continue
            if choice == 14:  # aborted POSTs, then a request that must still be answered
                aborted_post(port, rng)
                kinds["aborted POST"] += 1
                via_httpx("after aborted POST", "GET", "/sparql", params={"query": VALID[1]})
                continue
            if choice == 15:  # huge parameters: near and past the URL cap, a large form
                size = rng.choice([7_000, 8_100, 9_000, 60_000])
                name = rng.choice(["query", "default-graph-uri", "named-graph-uri", "x"])
                value = "a" * size if name != "query" else "ASK { " + " " * size + "}"
                if rng.random() < 0.5 and size < 60_000:
                    via_httpx(
                        "huge parameter", "GET", "/sparql", params={"query": VALID[1], name: value}
                    )
                else:
                    body = f"query={quote(VALID[1])}&{name}={'b' * size * 10}".encode()
                    headers = {"Content-Type": FORM}
                    via_socket("huge form", raw_request("POST", "/sparql", headers, body))
                continue
            if choice == 0:  # random text as the query, GET
                text = random_text(rng, rng.randint(0, 300))
                via_httpx("random query", "GET", "/sparql", params={"query": text})
            elif choice == 1:  # a valid query, mutated, POSTed directly
                text = mutate(rng, rng.choice(VALID))
                via_httpx(
                    "mutated query",
                    "POST",
                    "/sparql",
                    content=text.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                )
            elif choice == 2:  # broken percent-encoding in the URL
                target = f"/sparql?query={broken_percent(rng)}&{broken_percent(rng)}"
                via_socket("broken percent-encoding", raw_request("GET", target, {}))
            elif choice == 3:  # broken percent-encoding in a form body
                body = f"query={broken_percent(rng)}".encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                via_socket("broken form", raw_request("POST", "/sparql", headers, body))
            elif choice == 4:  # non-UTF-8 bytes as the body
                body = bytes(rng.randrange(128, 256) for _ in range(rng.randint(1, 400)))
                media = rng.choice(["application/sparql-query", FORM])
                headers = {"Content-Type": media}
                via_httpx("non-UTF-8 body", "POST", "/sparql", content=body, headers=headers)
            elif choice == 5:  # huge headers: one big, or very many
                if rng.random() < 0.5:
                    headers = {"X-Big": "a" * rng.randint(8_000, 70_000)}
                else:
                    headers = {f"X-H{i}": "b" * 200 for i in range(rng.randint(50, 400))}
                target = f"/sparql?query={quote(rng.choice(VALID))}"
                via_socket("huge headers", raw_request("GET", target, headers))
            elif choice == 6:  # wrong methods
                method = rng.choice(METHODS)
                path = rng.choice(PATHS)
                via_socket("wrong method", raw_request(method, path, {}, b"ASK {}"))
            elif choice == 7:  # wrong media types
                media = rng.choice(MEDIA_TYPES)
                body = rng.choice(VALID).encode()
                via_socket(
                    "wrong media type",
                    raw_request("POST", "/sparql", {"Content-Type": media}, body),
                )
            elif choice == 8:  # odd Accept headers on every route
                accept = rng.choice(
                    [
                        "",
                        "*/*;q=abc",
                        "text/html;q=-1",
                        "image/png",
                        random_text(rng, 40),
                        "application/sparql-results+json;q=0",
                        ",,,;;;",
                        "text/*;q=2",
                    ]
                )
                path = rng.choice(PATHS)
                if path.startswith("/sparql"):
                    path += f"?query={quote(rng.choice(VALID))}"
                accept = accept.replace("\r", " ").replace("\n", " ")  # one header line
                via_socket("odd Accept", raw_request("GET", path, {"Accept": accept}))
            elif choice == 9:  # graph IRIs that are not IRIs, repeated parameters
                params = [("query", rng.choice(VALID))]
                for _ in range(rng.randint(1, 4)):
                    name = rng.choice(
                        [
                            "default-graph-uri",
                            "named-graph-uri",
                            "query",
                            "update",
                            "using-graph-uri",
                            "x",
                        ]
                    )
                    params.append((name, random_text(rng, rng.randint(0, 40))))
                via_httpx("odd parameters", "GET", "/sparql", params=params)
            elif choice == 10:  # odd paths and query strings on every route
                path = rng.choice(PATHS) + rng.choice(
                    [
                        "",
                        "/..",
                        "%2e%2e/",
                        "%ff",
                        "?" + broken_percent(rng),
                        "/" + quote(random_text(rng, 20), safe=""),
                        "?i=" + quote(random_text(rng, 10)),
                    ]
                )
                via_socket("odd path", raw_request("GET", path, {}))
            else:  # bytes that are not HTTP
                junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
                via_socket("not HTTP", junk + b"\r\n\r\n")

    total = sum(kinds.values())
    print(
        f"\nfuzz: {total} malformed requests, seed {SEED}; by kind {dict(kinds)}; "
        f"statuses {dict(sorted(statuses.items(), key=str))}"
    )
    assert total >= 4_000
    assert failures == [], failures[:10]
    # The server still answers, with all its workers, and logged no unhandled error.
    health = server.wait_all_workers()
    assert health["status"] == "ok"
    assert httpx.get(server.sparql, params={"query": VALID[1]}, timeout=30).json()["boolean"]
    assert "unhandled error" not in server.log()
    assert "Traceback" not in server.log()
    assert kinds["odd graph IRI"] >= 250 and kinds["aborted POST"] >= 250
