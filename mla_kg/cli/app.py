"""The ``mla-kg`` app: its global options and the one place a command gets its graph from.

Exit codes: 0 OK; 1 violations or no result; 2 bad input or a load error. A typed error
(:class:`~mla_kg.errors.MlaKgError`) prints its message, never a traceback. A command module
registers on :data:`app` (``@app.command()``) and reaches the graph with :func:`graph`.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Any

import typer

from mla_kg import __version__
from mla_kg.cli.output import console
from mla_kg.errors import MissingExtra, MlaKgError, RemoteEndpointError
from mla_kg.knowledge_graph import KnowledgeGraph


class _App(typer.Typer):
    """A Typer app that turns typed errors into their message and exit code."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except MlaKgError as error:
            console(stderr=True).print(f"error: {error}")
            sys.exit(error.exit_code)
        except ModuleNotFoundError as error:
            # A package of an optional extra is missing: name the extra, never a traceback.
            extra = OPTIONAL_MODULES.get((error.name or "").partition(".")[0])
            if extra is None:
                raise
            missing = MissingExtra(error.name or "", extra[0], extra[1])
            console(stderr=True).print(f"error: {missing}")
            sys.exit(missing.exit_code)


#: Modules of optional extras, with the extra that installs each and what needs it
#: (``serve`` names its own packages: mla_kg/cli/serve.py).
OPTIONAL_MODULES = {
    "matplotlib": ("plot", "drawing a network as PNG"),
}


app = _App(
    name="mla-kg",
    help="Knowledge graph of mutual legal assistance instruments in criminal matters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Backend(str, Enum):
    """SPARQL engines a command can run on."""

    oxigraph = "oxigraph"
    rdflib = "rdflib"


class TableOrJson(str, Enum):
    """Output formats of reports."""

    table = "table"
    json = "json"


class ResultFormat(str, Enum):
    """Output formats of query results."""

    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


class RdfFormat(str, Enum):
    """Serialization formats of the graph."""

    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"
    trig = "trig"


def graph(ctx: typer.Context) -> KnowledgeGraph:
    """Return the graph for a command, loaded once with the global options."""
    obj = ctx.ensure_object(dict)
    if "graph" not in obj:
        if obj.get("endpoint"):
            remote = KnowledgeGraph.remote(
                obj["endpoint"], graph=obj.get("graph_iri"), timeout=obj.get("timeout", 60.0)
            )
            _refuse_empty(remote, obj["endpoint"], obj.get("graph_iri"))
            obj["graph"] = remote
        else:
            obj["graph"] = KnowledgeGraph(
                backend=obj.get("backend", "oxigraph"), keep_answers=obj.get("keep_answers", True)
            )
    return obj["graph"]


def _refuse_empty(remote: KnowledgeGraph, endpoint: str, graph_iri: str | None) -> None:
    """Stop (exit 2) when the graph asked at the endpoint holds nothing.

    An empty answer would otherwise read as "no instruments" or "0 triples", a negative fact
    about the data rather than the sign of a wrong address.
    """
    if remote.query("ASK { ?s ?p ?o }").ask:
        return
    from mla_kg.push import DEFAULT_GRAPH

    if graph_iri is None:
        raise RemoteEndpointError(
            endpoint,
            "its default graph is empty",
            "if the data was pushed to a named graph, add --graph IRI "
            f"(`mla-kg push` writes to {DEFAULT_GRAPH} unless told otherwise)",
        )
    raise RemoteEndpointError(
        endpoint,
        f"the graph <{graph_iri}> is empty",
        "check the IRI given with --graph (it must match the one given to `mla-kg push`)",
    )


def _version(show: bool) -> None:
    """Print the version and stop."""
    if show:
        print(f"mla-kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    backend: Annotated[
        Backend, typer.Option(help="SPARQL engine: oxigraph (fast) or rdflib (pure Python).")
    ] = Backend.oxigraph,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="Query URL of a SPARQL endpoint holding the data (see `mla-kg push`), "
            "used instead of the bundled data, read-only.",
            metavar="URL",
        ),
    ] = None,
    graph_iri: Annotated[
        str | None,
        typer.Option(
            "--graph",
            help="With --endpoint: the named graph holding the data (sent as default-graph-uri).",
            metavar="IRI",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="With --endpoint: seconds to wait for each answer.", min=0.1)
    ] = 60.0,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Load the bundled data and run every query afresh, instead of reading the "
            "answers an earlier run kept for the same files (in the user's cache folder); "
            "validate runs afresh too.",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Knowledge graph of mutual legal assistance instruments in criminal matters."""
    if graph_iri is not None and endpoint is None:
        raise typer.BadParameter("--graph needs --endpoint", param_hint="--graph")
    obj = ctx.ensure_object(dict)
    obj.update(
        backend=backend.value,
        endpoint=endpoint,
        graph_iri=graph_iri,
        timeout=timeout,
        keep_answers=not no_cache,
    )
