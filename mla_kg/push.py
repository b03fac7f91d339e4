"""Upload the bundled ontology and data to a SPARQL 1.1 Graph Store, all or nothing.

``mla-kg push --gsp URL [--graph IRI]`` replaces one named graph of a Graph Store Protocol
endpoint (Oxigraph ``/store``, Virtuoso ``/sparql-graph-crud-auth``, Fuseki ``/<ds>/data`` ...)
with the bundled ontology and data. The target graph changes in one step, after everything is
known to be accepted:

1. every file is parsed locally first: a broken file stops the push before anything is sent;
2. the target graph is read (its triples are kept in memory, to restore it if need be);
3. each file is POSTed, as N-Triples, into a fresh staging graph ``urn:mla-kg:staging:<uuid>``
   (the progress bar counts these);
4. the staging graph is read back and its triples counted: they must equal the local count;
5. the target is replaced by one PUT of all the data, then read back and counted again;
6. the staging graph is deleted.

A failure in steps 1-4 leaves the target untouched (servers such as Virtuoso keep the part of a
rejected upload that they had read: that part lands in the staging graph, which is deleted). A
failure in step 5 restores the target's previous triples. Either way the command says what was
uploaded, what the target holds now, and exits non-zero; it never reports success for a
partial upload.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rich.console import Console

from mla_kg import paths
from mla_kg.errors import PushError
from mla_kg.graph.embedded import open_engine
from mla_kg.graph.queries import check_iri
from mla_kg.graph.store import Store

if TYPE_CHECKING:
    import httpx
    from rich.progress import Progress, TaskID

#: The graph the data goes to when ``--graph`` is not given: the dataset's base IRI.
DEFAULT_GRAPH = "https://w3id.org/mla-kg/"
#: Seconds each HTTP request may take.
DEFAULT_TIMEOUT = 120.0

_NTRIPLES = "application/n-triples"
# Graph Store answers whose triples can be counted: content type to pyoxigraph format.
_COUNTABLE = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}


class _GraphStoreFailure(Exception):
    """One Graph Store request failed; the message is the server's or the network's."""


@dataclass
class PushReport:
    """What a successful push did.

    :ivar target: the graph IRI that now holds the data.
    :ivar files: the files uploaded, in order.
    :ivar triples: the triples the target holds now (counted on the server).
    :ivar previous: the triples the target held before (0 if it did not exist).
    """

    target: str
    files: list[str] = field(default_factory=list)
    triples: int = 0
    previous: int = 0


def bundled_files() -> list[Path]:
    """Return the files the embedded KnowledgeGraph loads: ontology (with shapes) and data."""
    return paths.ontology_files() + paths.data_files()


def _server_message(response: httpx.Response) -> str:
    """Return a short plain-text version of a server's error body."""
    text = response.text
    text = re.sub(r"<[^>]+>", " ", text)  # Virtuoso and others answer errors as HTML
    text = " ".join(html.unescape(text).split())
    return f"HTTP {response.status_code}" + (f": {text[:400]}" if text else "")


class GraphStore:
    """A SPARQL 1.1 Graph Store Protocol endpoint, addressed by named graph (``?graph=``).

    :param url: the Graph Store URL.
    :param client: the HTTP client (carries authentication and timeouts).
    """

    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url = url
        self.client = client

    def _request(
        self, method: str, graph: str, body: bytes | None = None, missing_ok: bool = False
    ) -> httpx.Response | None:
        """Send one request about ``graph``; ``None`` for a 404 when ``missing_ok``."""
        # Only GET asks for RDF: Virtuoso answers 406 to a POST whose Accept lacks text/html.
        headers = {"Accept": f"{_NTRIPLES}, text/turtle;q=0.5" if method == "GET" else "*/*"}
        if body is not None:
            headers["Content-Type"] = _NTRIPLES
        import httpx

        try:
            response = self.client.request(
                method, self.url, params={"graph": graph}, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            raise _GraphStoreFailure(f"{type(error).__name__}: {error}") from error
        if response.status_code == 404 and missing_ok:
            return None
        if not response.is_success:
            raise _GraphStoreFailure(_server_message(response))
        return response

    def read(self, graph: str) -> tuple[int, bytes | None]:
        """Return the number of triples of ``graph`` and its RDF (``None`` if it is absent)."""
        response = self._request("GET", graph, missing_ok=True)
        if response is None:
            return 0, None
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media not in _COUNTABLE:
            raise _GraphStoreFailure(f"the graph came back as {media or 'no content type'}")
        try:
            count = sum(1 for _ in ox.parse(response.content, format=_COUNTABLE[media]))
        except SyntaxError as error:
            raise _GraphStoreFailure(f"the graph came back unreadable: {error}") from error
        return count, response.content

    def post(self, graph: str, body: bytes) -> None:
        """Add N-Triples to ``graph``."""
        self._request("POST", graph, body)

    def put(self, graph: str, body: bytes) -> None:
        """Replace ``graph`` with N-Triples."""
        self._request("PUT", graph, body)

    def delete(self, graph: str) -> None:
        """Delete ``graph``; a graph that is already absent is fine."""
        self._request("DELETE", graph, missing_ok=True)


def _client(user: str | None, password: str | None, auth: str, timeout: float) -> httpx.Client:
    """Return an HTTP client with the credentials, if any, in the scheme the server wants."""
    # httpx loads only when pushing, so the other commands start faster.
    import httpx

    credentials: httpx.Auth | None = None
    if user is not None:
        scheme = httpx.DigestAuth if auth == "digest" else httpx.BasicAuth
        credentials = scheme(user, password or "")
    return httpx.Client(auth=credentials, timeout=timeout, follow_redirects=True)


def _listing(names: Sequence[str]) -> str:
    """Return file names for a message, or a note that there are none."""
    return ", ".join(names) if names else "none"


def push_graph(
    gsp_url: str,
    graph: str = DEFAULT_GRAPH,
    files: Iterable[str | Path] | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: str = "digest",
    timeout: float = DEFAULT_TIMEOUT,
    console: Console | None = None,
) -> PushReport:
    """Replace ``graph`` at a Graph Store with the bundled data (or ``files``), all or nothing.

    :param gsp_url: the Graph Store Protocol URL.
    :param graph: the named graph to replace.
    :param files: RDF files to upload; by default the bundled ontology and data.
    :param user: user name, if the Graph Store requires one (Virtuoso: ``dba``).
    :param password: the user's password.
    :param auth: ``digest`` (Virtuoso) or ``basic``.
    :param timeout: seconds each request may take.
    :param console: where the progress bar goes (standard error by default).
    :returns: what was uploaded and how many triples the graph holds now.
    :raises LoadError: if a file cannot be parsed; nothing was sent.
    :raises PushError: if the upload failed; its message says what the target holds.
    """
    target = str(check_iri(graph, "graph"))
    paths_ = [Path(file) for file in (bundled_files() if files is None else files)]
    # Step 1: parse everything before sending anything (LoadError names the file and line).
    payloads = [Store(open_engine("oxigraph"), [path]).serialize("nt") for path in paths_]
    everything = Store(open_engine("oxigraph"), paths_)
    expected = len(everything)
    names = [path.name for path in paths_]
    staging = f"urn:mla-kg:staging:{uuid.uuid4()}"
    console = console or Console(stderr=True)
    with _client(user, password, auth, timeout) as client:
        store = GraphStore(gsp_url, client)
        try:
            previous, backup = store.read(target)
        except _GraphStoreFailure as error:
            raise PushError(
                f"cannot read graph <{target}> at {gsp_url} ({error}); nothing was uploaded. "
                "Check the Graph Store URL and, if it needs them, --user and the password."
            ) from error
        upload = _Upload(gsp_url, target, staging, names, payloads, expected, previous)
        # The progress bar loads only when pushing, so the other commands start faster.
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        with progress:
            task = progress.add_task("staging", total=len(paths_) + 2)
            _stage(store, upload, progress, task)
            progress.update(task, description=f"replacing <{target}>")
            _replace(store, upload, backup)
            progress.advance(task)
        cleanup = _cleanup(store, staging)
        if not cleanup.startswith("the staging graph was deleted"):
            console.print(f"[yellow]warning:[/yellow] {cleanup}")
    return PushReport(target=target, files=names, triples=expected, previous=previous)


@dataclass
class _Upload:
    """One push: where it goes, what it sends, and what the target held before."""

    gsp_url: str
    target: str
    staging: str
    names: list[str]
    payloads: list[bytes]
    expected: int
    previous: int
    uploaded: list[str] = field(default_factory=list)


def _stage(store: GraphStore, upload: _Upload, progress: Progress, task: TaskID) -> None:
    """Upload every file to the staging graph and check it holds them all.

    :raises PushError: saying where it failed; the target graph is untouched then.
    """
    step = "preparing the staging graph"
    try:
        store.delete(upload.staging)
        for name, payload in zip(upload.names, upload.payloads, strict=True):
            step = f"uploading {name}"
            progress.update(task, description=step)
            store.post(upload.staging, payload)
            upload.uploaded.append(name)
            progress.advance(task)
        step = "checking the staging graph"
        progress.update(task, description=step)
        staged, _ = store.read(upload.staging)
        if staged != upload.expected:
            raise _GraphStoreFailure(
                f"the staging graph holds {staged} triples, not the {upload.expected} sent"
            )
        progress.advance(task)
    except _GraphStoreFailure as error:
        raise PushError(
            f"push to <{upload.target}> at {upload.gsp_url} failed while {step}: {error}. "
            f"Uploaded to the staging graph before the failure: {_listing(upload.uploaded)}. "
            f"The target graph was not touched (it still holds {upload.previous} triples); "
            + _cleanup(store, upload.staging),
            uploaded=upload.uploaded,
        ) from error


def _replace(store: GraphStore, upload: _Upload, backup: bytes | None) -> None:
    """Replace the target graph with everything sent, restoring it if that fails.

    :raises PushError: saying what the target holds now.
    """
    try:
        store.put(upload.target, b"".join(upload.payloads))
        now, _ = store.read(upload.target)
        if now != upload.expected:
            raise _GraphStoreFailure(
                f"the target graph holds {now} triples after the upload, not {upload.expected}"
            )
    except _GraphStoreFailure as error:
        restored, state = _restore(store, upload.target, backup, upload.previous)
        raise PushError(
            f"push to <{upload.target}> at {upload.gsp_url} failed while replacing the target "
            f"graph: {error}. Every file had reached the staging graph "
            f"({_listing(upload.uploaded)}). {state}; " + _cleanup(store, upload.staging),
            uploaded=upload.uploaded,
            target_unchanged=restored,
        ) from error


def _cleanup(store: GraphStore, staging: str) -> str:
    """Delete the staging graph and say whether that worked."""
    try:
        store.delete(staging)
    except _GraphStoreFailure as error:
        return (
            f"the staging graph <{staging}> could not be deleted ({error}); delete it with "
            f"`curl -X DELETE '{store.url}?graph={staging}'` (add your credentials)."
        )
    return "the staging graph was deleted."


def _restore(
    store: GraphStore, target: str, backup: bytes | None, previous: int
) -> tuple[bool, str]:
    """Put the target's previous triples back; return whether that worked and a sentence."""
    try:
        if backup is None:
            store.delete(target)
        else:
            store.put(target, backup)
        now, _ = store.read(target)
    except _GraphStoreFailure as error:
        return False, (
            f"THE TARGET GRAPH MAY BE INCOMPLETE: restoring its previous {previous} triples "
            f"failed too ({error}); run the push again once the server is healthy"
        )
    if now != previous:
        return False, (
            f"THE TARGET GRAPH MAY BE INCOMPLETE: after restoring it holds {now} triples, "
            f"not its previous {previous}; run the push again"
        )
    return True, f"The target graph was restored to its previous {previous} triples"


__all__ = ["DEFAULT_GRAPH", "GraphStore", "PushReport", "bundled_files", "push_graph"]
