"""Command ``mla-kg serve``: the read-only SPARQL endpoint and web pages on uvicorn.

Extra data files
are validated against the shapes and QC checks before the server starts; a file with
violations is refused with the report (exit 1).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from mla_kg.cli.app import app


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


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 makes the server public.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=0, max=65535)] = 8000,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="Extra RDF file for the default graph (repeatable); validated before serving.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    graph: Annotated[
        list[str] | None,
        typer.Option(
            "--graph",
            help="IRI=FILE: serve FILE as the named graph IRI, as is (repeatable).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may run before it is stopped.", min=0.1)
    ] = 10.0,
    max_rows: Annotated[
        int, typer.Option(help="Most rows (or triples) in one answer.", min=1)
    ] = 10_000,
    workers: Annotated[
        int | None,
        typer.Option(help="Query worker processes (default: one per core, 2 to 4).", min=1),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="Base URL the server is published at, when behind a proxy."),
    ] = None,
    pages: Annotated[bool, typer.Option(help="Serve the HTML pages.")] = True,
    allow_federation: Annotated[
        bool,
        typer.Option(
            help="Let SERVICE call other endpoints (off: the server opens no connections)."
        ),
    ] = False,
    access_log: Annotated[
        bool, typer.Option(help="Write one JSON line per request to stderr.")
    ] = True,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol (read-only) with dumps and web pages."""
    import uvicorn

    from mla_kg.server.app import get_app

    files = list(data or [])
    if files:
        _refuse_invalid(files)
    named_graphs = _named_graphs(list(graph or []))
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
