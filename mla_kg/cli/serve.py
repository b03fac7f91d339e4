"""Command ``mla-kg serve``: the read-only SPARQL endpoint and web pages on uvicorn.

Extra data files
are validated against the shapes and QC checks before the server starts; a file with
violations is refused with the report (exit 1).
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from mla_kg.cli.app import app
from mla_kg.errors import MissingExtra
from mla_kg.server.limits import (
    DEFAULT_CLIENT_QUERIES,
    DEFAULT_MAX_BYTES,
    DEFAULT_WORKER_MEMORY_MB,
)


def _named_graphs(values: list[str]) -> dict[str, Path]:
    """Read ``--graph IRI=FILE`` options into files by graph IRI."""
    from mla_kg.server.dataset import check_readable
    from mla_kg.server.protocol import is_absolute_iri

    graphs: dict[str, Path] = {}
    for value in values:
        iri, separator, file = value.rpartition("=")
        if not separator or not is_absolute_iri(iri) or not file:
            raise typer.BadParameter(
                f"{value!r}: write the graph as IRI=FILE, e.g. http://example.org/graph=data.ttl",
                param_hint="--graph",
            )
        path = Path(file)
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {file}", param_hint="--graph")
        check_readable(path)
        graphs[iri] = path
    return graphs


#: The packages ``serve`` runs on (in the default install; the ``server`` extra re-installs them).
SERVER_MODULES = ("uvicorn", "starlette", "jinja2", "markupsafe", "mimeparse")


def _server_modules() -> tuple[Any, Any]:
    """Import uvicorn and the server's app; a missing package is named with its extra."""
    try:
        import uvicorn

        from mla_kg.server.app import get_app
    except ModuleNotFoundError as error:
        module = (error.name or "").partition(".")[0]
        if module not in SERVER_MODULES:
            raise
        raise MissingExtra(module, "server", "mla-kg serve") from None
    return uvicorn, get_app


def _check_port(host: str, port: int) -> None:
    """Exit 2 with one line when HOST:PORT cannot be listened on (in use, not ours, privileged).

    The check binds the address the way uvicorn will (SO_REUSEADDR) and lets it go again, so
    that the failure is one line before the workers start, rather than uvicorn's log and exit 3.
    """
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        _port_error(f"cannot listen on {host!r}: {error.strerror}; give an address with --host")
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                _port_error(_bind_failure(where, port, error))


def _bind_failure(where: str, port: int, error: OSError) -> str:
    """Say why binding failed and what to change."""
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {where.rpartition(':')[0]} (another server?); "
            "stop it or choose another with --port"
        )
    if error.errno == errno.EACCES:
        return f"not allowed to listen on {where} (ports below 1024 need privileges); use --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: the address is not one of this machine's; use --host"
    return f"cannot listen on {where}: {error.strerror or error}"


def _port_error(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


def _require_sandbox() -> None:
    """Exit with one line when a query worker could not install the network sandbox."""
    from mla_kg.server.sandbox import SandboxUnavailable, probe

    try:
        probe()
    except SandboxUnavailable as error:
        print(
            f"error: the query workers cannot be sandboxed ({error}); install libseccomp2 "
            "(Linux), or start with --no-network-sandbox on a private network only",
            file=sys.stderr,
        )
        raise typer.Exit(1) from None


def _refuse_invalid(files: list[Path]) -> None:
    """Validate extra data files with the bundled data; on violations print them, exit 1."""
    from mla_kg.validate import validate

    report = validate(files)
    if report.conforms:
        return
    err = sys.stderr
    verb = "does" if len(files) == 1 else "do"
    names = ", ".join(map(str, files))
    print(f"error: {names} {verb} not conform to the mla-kg shapes and checks:", file=err)
    for result in report.violations:
        path = f" {result.path}" if result.path else ""
        value = f" = {result.value}" if result.value else ""
        print(f"  {result.severity}: {result.focus}{path}{value}: {result.message}", file=err)
    print(
        f"{len(report.violations)} violation(s); fix them (see `mla-kg validate FILE`) and "
        "start the server again",
        file=err,
    )
    raise typer.Exit(1)


# The options of ``serve``, one alias each, so that the command's signature stays readable.
Host = Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 makes the server public.")]
Port = Annotated[int, typer.Option(help="TCP port to listen on.", min=0, max=65535)]
DataFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="Extra RDF file for the default graph (repeatable); validated before serving.",
        exists=True,
        dir_okay=False,
    ),
]
Graphs = Annotated[
    list[str] | None,
    typer.Option(
        "--graph", help="IRI=FILE: serve FILE as the named graph IRI, as is (repeatable)."
    ),
]
Timeout = Annotated[
    float, typer.Option(help="Seconds a query may run before it is stopped.", min=0.1)
]
MaxRows = Annotated[int, typer.Option(help="Most rows (or triples) in one answer.", min=1)]
Workers = Annotated[
    int | None, typer.Option(help="Query worker processes (default: one per core, 2 to 4).", min=1)
]
PublicUrl = Annotated[
    str | None, typer.Option(help="Base URL the server is published at, when behind a proxy.")
]
Pages = Annotated[bool, typer.Option(help="Serve the HTML pages.")]
AllowFederation = Annotated[
    bool,
    typer.Option(help="Let SERVICE call other endpoints (off: the server opens no connections)."),
]
NetworkSandbox = Annotated[
    bool,
    typer.Option(
        help="Run queries in workers that cannot open network sockets (seccomp); "
        "--no-network-sandbox only where the kernel offers no seccomp, and never in public."
    ),
]
WorkerMemory = Annotated[
    int, typer.Option(help="Megabytes of address space a query worker may use (0: no cap).", min=0)
]
MaxBytes = Annotated[
    int, typer.Option(help="Most bytes in one query answer (cut there, with a marker).", min=1024)
]
ClientQueries = Annotated[
    int,
    typer.Option(
        help="Most queries one client (address) may have running in the pool at once; "
        "more get 429 (0: no cap). Bounded lookups do not count.",
        min=0,
    ),
]
AccessLog = Annotated[bool, typer.Option(help="Write one JSON line per request to stderr.")]


@app.command()
def serve(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    data: DataFiles = None,
    graph: Graphs = None,
    timeout: Timeout = 10.0,
    max_rows: MaxRows = 10_000,
    workers: Workers = None,
    public_url: PublicUrl = None,
    pages: Pages = True,
    allow_federation: AllowFederation = False,
    network_sandbox: NetworkSandbox = True,
    worker_memory: WorkerMemory = DEFAULT_WORKER_MEMORY_MB,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    client_queries: ClientQueries = DEFAULT_CLIENT_QUERIES,
    access_log: AccessLog = True,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol (read-only) with dumps and web pages."""
    uvicorn, get_app = _server_modules()
    if network_sandbox and not allow_federation:
        _require_sandbox()
    files = list(data or [])
    if files:
        _refuse_invalid(files)
    named_graphs = _named_graphs(list(graph or []))
    _check_port(host, port)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("mla_kg.server.access").setLevel(
        logging.INFO if access_log else logging.WARNING
    )
    app = get_app(
        data_files=files,
        named_graphs=named_graphs,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        allow_federation=allow_federation,
        network_sandbox=network_sandbox,
        memory_limit_mb=worker_memory or None,
        max_bytes=max_bytes,
        client_queries=client_queries,
        public_url=public_url,
        pages=pages,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=False,  # the structured access log replaces uvicorn's
        server_header=False,
        timeout_graceful_shutdown=5,
    )
