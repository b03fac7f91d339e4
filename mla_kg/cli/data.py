"""Commands on the graph itself: ``query``, ``validate``, ``stats`` and ``export``."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rdflib import BNode, URIRef
from rdflib.term import Node
from rich.table import Table
from rich.text import Text

from mla_kg.cli.app import RdfFormat, ResultFormat, TableOrJson, app, graph
from mla_kg.cli.display import Column, display_name, fit_table
from mla_kg.cli.output import OutputOption, console, emit_bytes
from mla_kg.errors import LoadError, QueryFileNotFound
from mla_kg.graph import queries
from mla_kg.graph.results import QueryResult
from mla_kg.graph.store import GraphStore
from mla_kg.namespaces import compact, compact_text


def _cell(term: Node | None) -> str:
    """Render a term for a table cell: prefixed names where possible, literals as text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return display_name(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    text = str(term)
    words = text.split()
    if words and all(word.startswith(("http://", "https://")) for word in words):
        return " ".join(map(display_name, words))  # IRIs gathered into one literal
    return text


def _result_columns(result: QueryResult, cells: list[list[str]]) -> list[Column]:
    """Return the columns of a result: sentences may wrap; an IRI beside its id may go."""
    columns = []
    for index, var in enumerate(result.vars):
        prose = any(len(row[index]) > 40 and " " in row[index] for row in cells)
        twin = any(var + suffix in result.vars for suffix in ("Id", "Code", "Label"))
        columns.append(Column(var, prose=prose, optional=twin))
    return columns


def _print_result(result: QueryResult, format: ResultFormat) -> None:
    """Print a query result in the chosen format."""
    out = console()
    if result.ask is not None:
        print(
            json.dumps({"head": {}, "boolean": result.ask})
            if format is ResultFormat.json
            else str(result.ask).lower()
        )
        return
    if result.graph is not None:
        rdf_format = "json-ld" if format is ResultFormat.json else "turtle"
        sys.stdout.write(result.graph.serialize(format=rdf_format))
        return
    if format is ResultFormat.table:
        cells = [[_cell(row.get(var)) for var in result.vars] for row in result.rows]
        out.print(fit_table(_result_columns(result, cells), cells, out.width))
        out.print(f"{len(result.rows)} row(s)")
        return
    text = {
        ResultFormat.csv: result.to_csv,
        ResultFormat.tsv: result.to_tsv,
        ResultFormat.json: result.to_json,
    }[format]()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _parse_params(pairs: list[str]) -> dict[str, Any]:
    """Turn ``k=v`` options into parameters; a name given twice collects a list."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"{pair!r}: write NAME=VALUE", param_hint="--param")
        name = name.strip()
        if name in params:
            previous = params[name]
            params[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[name] = value
    return params


def _list_queries(format: ResultFormat) -> None:
    """Print the named queries with their parameters (a table, or JSON/CSV/TSV to process)."""
    named = sorted(queries.load_queries().items())
    if format is not ResultFormat.table:
        _print_query_list(named, format)
        return
    table = Table("query", "parameters", "summary")
    for name, query in sorted(queries.load_queries().items()):
        params = ", ".join(
            f"{p.name} ({p.type_label}{'' if p.required else ', optional'})" for p in query.params
        )
        table.add_row(Text(name, no_wrap=True), Text(params), Text(query.summary))
    console().print(table)


def _print_query_list(named: list[tuple[str, queries.NamedQuery]], format: ResultFormat) -> None:
    """Print the named queries as JSON (name, summary, parameters) or as CSV/TSV rows."""
    if format is ResultFormat.json:
        listing = [
            {
                "name": name,
                "summary": query.summary,
                "parameters": [
                    {"name": p.name, "type": p.type_label, "required": p.required}
                    for p in query.params
                ],
            }
            for name, query in named
        ]
        print(json.dumps({"queries": listing}, indent=2, ensure_ascii=False))
        return
    import csv

    writer = csv.writer(
        sys.stdout, delimiter="\t" if format is ResultFormat.tsv else ",", lineterminator="\n"
    )
    writer.writerow(["name", "parameters", "summary"])
    for name, query in named:
        writer.writerow([name, " ".join(p.name for p in query.params), query.summary])


@app.command()
def query(
    ctx: typer.Context,
    name_or_file: Annotated[
        str | None,
        typer.Argument(help="A named query (see `mla-kg query` alone for the list) or a .rq file."),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Parameter NAME=VALUE; repeat for lists or use a,b."),
    ] = None,
    format: Annotated[ResultFormat, typer.Option("--format", "-f")] = ResultFormat.table,
) -> None:
    """Run a named query or a .rq file; without a name, list the named queries."""
    if name_or_file is None:
        _list_queries(format)
        return
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or "/" in name_or_file:
        # A path, not a name: say the file is missing rather than that no query has the name.
        if not path.is_file():
            what = "it is a directory" if path.is_dir() else "no such file"
            raise QueryFileNotFound(name_or_file, what)
        named: str | queries.NamedQuery = queries.NamedQuery.from_path(path)
    else:
        named = name_or_file
    params = _parse_params(param or [])
    result = graph(ctx).run(named, **params)
    _print_result(result, format)
    if not result:
        raise typer.Exit(1)


def _rdf_files(given: list[Path]) -> list[Path]:
    """Return the files to validate: each file as given, each directory as its RDF files.

    :raises LoadError: for a directory without RDF files (a file that is missing or of an
        unknown type is reported by the loader).
    """
    from mla_kg.graph.files import RDF_INPUT_FORMATS

    files: list[Path] = []
    for path in given:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF_INPUT_FORMATS
        )
        if not found:
            raise LoadError(
                path, None, f"a directory without RDF files ({', '.join(RDF_INPUT_FORMATS)})"
            )
        files += found
    return files


def _path_text(path: str | None) -> str:
    """Render a report's path: a property as ``prefix:name``, a SPARQL path with its IRIs compacted.

    A plain property comes as a bare IRI; an inverse or sequence path already wraps its IRIs
    in ``<...>`` (e.g. ``^<https://w3id.org/mla-kg/ontology#signature>``).
    """
    if not path:
        return ""
    return compact_text(path) if "<" in path else compact(path)


@app.command()
def validate(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to validate with the ontology and bundled data; a directory "
            "stands for the RDF files in it and its subdirectories (.ttl, .nt, .rdf, ...)."
        ),
    ] = None,
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
    standalone: Annotated[
        bool,
        typer.Option(
            "--standalone",
            help="Validate FILES with the ontology only, without the bundled data.",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Run pySHACL and the checks again even if these exact files were validated "
            "before (results are kept in the user's cache folder, keyed by a checksum of the "
            "files, shapes, checks and versions).",
        ),
    ] = False,
) -> None:
    """Validate the bundled data (or FILES with it) against the shapes and QC checks."""
    from mla_kg.validate import validate as run_validation  # pyshacl loads only when needed

    if standalone and not files:
        raise typer.BadParameter("--standalone needs FILES to validate", param_hint="FILES")
    if ctx.ensure_object(dict).get("endpoint"):
        # Validation reads files, never an endpoint: say so rather than check the wrong data.
        raise typer.BadParameter(
            "validate checks files; validate before `mla-kg push` instead", param_hint="--endpoint"
        )
    files = _rdf_files(files or [])
    # Validation takes seconds: show that it is working, but only to a person at a terminal.
    progress = (
        console(stderr=True).status("validating against the shapes and QC checks…")
        if sys.stderr.isatty()
        else nullcontext()
    )
    with progress:
        # `mla-kg --no-cache validate` turns the validation cache off too.
        cached = not no_cache and ctx.ensure_object(dict).get("keep_answers", True)
        report = run_validation(files, include_data=not standalone, cache=cached)
    if report.from_cache:
        console(stderr=True).print(
            "note: results reused from the cache (same files, shapes, checks and versions as "
            "an earlier run); --no-cache runs the validation again"
        )
    if format is TableOrJson.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        out = console()
        if report.results:
            table = Table("severity", "focus node", "path", "value", "message", "source")
            for result in report.results:
                table.add_row(
                    Text(result.severity),
                    Text(compact(result.focus)),
                    Text(_path_text(result.path)),
                    Text(result.value or ""),
                    Text(result.message),
                    Text(compact(result.source)),
                )
            out.print(table)
        what = ", ".join(str(file) for file in report.files) or "bundled data"
        verdict = "conforms" if report.conforms else "does not conform"
        out.print(
            f"{what}: {verdict} ({len(report.violations)} violation(s), "
            f"{len(report.results) - len(report.violations)} warning(s) or info)"
        )
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
def stats(
    ctx: typer.Context,
    format: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
    cooperation: Annotated[
        bool,
        typer.Option(
            "--cooperation",
            help="Show the seed article's figures on MLA requests between Japan and the EU "
            "Member States (requests by period and State, average execution months) instead.",
        ),
    ] = False,
) -> None:
    """Show triples, instruments with subdivisions by status, features used (or --cooperation)."""
    from mla_kg.stats import STATUSES, statistics

    if cooperation:
        _print_cooperation(graph(ctx), format)
        return
    figures = statistics(graph(ctx))
    if format is TableOrJson.json:
        print(json.dumps(figures.to_dict(), indent=2, ensure_ascii=False))
        return
    out = console()
    out.print(f"{figures.triples} triples ({figures.backend})")
    columns = [
        Column("instrument"),
        Column("kind", optional=True),
        Column("short title", prose=True, optional=True),
        *(
            Column(status if status != "none" else "no status", optional=status == "none")
            for status in STATUSES
        ),
        Column("total"),
        Column("features"),
    ]
    rows = [
        [
            instrument.id,
            instrument.kind,
            instrument.short_title or instrument.title,
            *(str(instrument.subdivisions[status]) for status in STATUSES),
            str(instrument.total_subdivisions),
            str(instrument.features),
        ]
        for instrument in figures.instruments
    ]
    title = "Subdivisions by verification status"
    out.print(fit_table(columns, rows, out.width, title=title))
    out.print(
        f"features used: {figures.features_used} of {figures.features_in_scheme} in the scheme. "
        "Recalled facts are believed but not confirmed: check the official text before citing."
    )


def _print_cooperation(kg: GraphStore, format: TableOrJson) -> None:
    """Print the cooperation statistics: request counts, then average execution times."""
    from dataclasses import asdict

    from mla_kg.stats import cooperation_statistics

    figures = cooperation_statistics(kg)
    if not figures:
        console(stderr=True).print("no cooperation statistics in the graph")
        raise typer.Exit(1)
    if format is TableOrJson.json:
        data = {"observations": [asdict(figure) for figure in figures]}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out = console()
    requests = Table(
        "period",
        "requesting",
        "requested",
        "requests",
        "status",
        "pinpoint",
        title="MLA requests (EU = the EU Member States taken together)",
    )
    execution = Table(
        "period",
        "requested",
        "average months",
        "approximate",
        "status",
        "pinpoint",
        title="Average time to execute a request",
    )
    for figure in figures:
        if figure.requests is not None:
            requests.add_row(
                Text(figure.period),
                Text(figure.requesting or ""),
                Text(figure.requested or ""),
                Text(str(figure.requests)),
                Text(figure.verification),
                Text(figure.pinpoint),
            )
        if figure.months:
            execution.add_row(
                Text(figure.period),
                Text(figure.requested or ""),
                Text(figure.months),
                Text("yes" if figure.approximate else "no"),
                Text(figure.verification),
                Text(figure.pinpoint),
            )
    out.print(requests)
    out.print(execution)
    sources = sorted({compact(figure.source) for figure in figures})
    out.print(f"source: {', '.join(sources)}. Figures exactly as the source gives them.")


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[RdfFormat, typer.Option("--format", "-f")] = RdfFormat.ttl,
    output: OutputOption = None,
) -> None:
    """Write the whole graph (ontology, features, shapes, data) as RDF."""
    emit_bytes(graph(ctx).serialize(format.value), output)
