"""Command ``mla-kg push``: upload the bundled ontology and data to a SPARQL Graph Store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from mla_kg.cli.app import app
from mla_kg.push import DEFAULT_GRAPH, DEFAULT_TIMEOUT, push_graph


@app.command()
def push(
    gsp: Annotated[
        str,
        typer.Option(
            "--gsp",
            metavar="URL",
            help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store or "
            "http://127.0.0.1:8890/sparql-graph-crud-auth",
        ),
    ],
    graph: Annotated[
        str, typer.Option("--graph", metavar="IRI", help="the named graph to replace")
    ] = DEFAULT_GRAPH,
    user: Annotated[
        str | None, typer.Option("--user", help="user name, if the Graph Store needs one")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="MLA_KG_GSP_PASSWORD",
            help="password for --user (better: set MLA_KG_GSP_PASSWORD)",
        ),
    ] = None,
    auth: Annotated[
        str, typer.Option("--auth", help="HTTP authentication scheme: digest or basic")
    ] = "digest",
    timeout: Annotated[
        float, typer.Option("--timeout", help="seconds each request may take")
    ] = DEFAULT_TIMEOUT,
) -> None:
    """Upload the bundled ontology and data to a SPARQL Graph Store, all or nothing.

    The named graph is replaced only once every file has been accepted into a staging graph
    and counted; on any failure it keeps (or gets back) its previous triples.
    """
    console = Console(stderr=True)
    if auth not in ("digest", "basic"):
        console.print(f"error: --auth must be digest or basic, not {auth!r}", markup=False)
        raise typer.Exit(2)
    if user is not None and password is None:
        password = typer.prompt(f"password for {user}", hide_input=True)
    # A PushError or LoadError reaches the mla-kg app, which prints it and exits non-zero.
    report = push_graph(
        gsp, graph, user=user, password=password, auth=auth, timeout=timeout, console=console
    )
    typer.echo(
        f"pushed {len(report.files)} files ({report.triples} triples) to graph "
        f"<{report.target}> at {gsp}; it held {report.previous} triples before"
    )
