"""The comparison page of ``mla-kg serve`` (``/compare``): the matrix of the domain's comparison."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from mla_kg.compare import (
    LEGEND,
    Attestation,
    Cell,
    Claim,
    Comparison,
    FeatureRow,
    Provision,
)
from mla_kg.compare.render import DOWNLOADS, comparison_download
from mla_kg.compare.sources import Source
from mla_kg.server.page_base import (
    _INSTRUMENT_ID,
    _endpoint,
    _instruments,
    _protocol_error_page,
    error_page,
    render,
)
from mla_kg.server.protocol import ProtocolError

#: What the page's download links offer, in order, with the names a reader knows them by.
DOWNLOAD_LABELS = {"csv": "CSV", "json": "JSON", "md": "Markdown", "html": "HTML", "latex": "LaTeX"}

# --------------------------------------------------------------------------------------------
# The comparison page
# --------------------------------------------------------------------------------------------


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a :class:`Comparison` from its JSON contract (``Comparison.to_dict()``).

    The endpoint computes comparisons in a worker and sends the dictionary back; the page
    rebuilds the objects so that it words cells, marks and notes exactly as the CLI does.
    """

    def provision(p: Mapping[str, Any]) -> Provision:
        return Provision(
            iri=p["iri"],
            citation=p["citation"],
            verification=p["verification"],
            citation_recalled=bool(p.get("recalled")) and p["verification"] != "recalled",
            state=p.get("state"),
            sources=tuple(p.get("sources", ())),
        )

    features = []
    for row in data["features"]:
        cells = {}
        for instrument, cell in row["cells"].items():
            attestations: dict[str, dict[str, Any]] = {}
            for entry in cell.get("evidence", []):
                found = attestations.setdefault(
                    entry["attestation"],
                    {
                        "kind": entry["kind"],
                        "verification": entry["verification"],
                        "pinpoint": entry.get("pinpoint") or "",
                        "note": entry.get("note") or "",
                        "sources": [],
                    },
                )
                if entry.get("source"):
                    found["sources"].append(entry["source"])
            cells[instrument] = Cell(
                feature=row["id"],
                instrument=instrument,
                provisions=[provision(p) for p in cell.get("provisions", [])],
                attestations=[
                    Attestation(
                        iri=iri,
                        kind=a["kind"],
                        verification=a["verification"],
                        sources=tuple(a["sources"]),
                        pinpoint=a["pinpoint"],
                        note=a["note"],
                    )
                    for iri, a in attestations.items()
                ],
                candidates=[provision(p) for p in cell.get("candidates", [])],
                claims=[
                    Claim(
                        iri=c["iri"],
                        statement=c["statement"],
                        verification=c["verification"],
                        sources=tuple(c.get("sources", ())),
                        pinpoint=c.get("pinpoint") or "",
                        check=c.get("check") or "",
                        contradicts=tuple(c.get("contradicts", ())),
                    )
                    for c in cell.get("claims", [])
                ],
            )
        features.append(
            FeatureRow(
                id=row["id"],
                iri=row.get("iri", ""),
                label=row["label"],
                group=row["group"],
                group_label=row.get("group_label") or row["group"],
                marks=row.get("marks"),
                polarity=row.get("polarity"),
                cells=cells,
            )
        )
    texts = {k: list(v) for k, v in data.get("official_texts", {}).items()}
    ids = list(data["instruments"])
    sources = {iri: Source.from_dict(iri, s) for iri, s in data.get("sources", {}).items()}
    return Comparison(instruments=ids, features=features, official_texts=texts, sources=sources)


async def compare_page(request: Request) -> Response:
    """Serve ``/compare?i=<id>&i=<id>[&group=<group>]``: the comparison matrix."""
    endpoint = _endpoint(request)
    asked = request.query_params.getlist("i")
    groups = [g for g in request.query_params.getlist("group") if g]
    wanted = request.query_params.get("format", "")
    if wanted and wanted not in DOWNLOADS:
        return error_page(
            400,
            "Unknown download format",
            f"There is no comparison format {wanted!r}; use format= one of "
            f"{', '.join(DOWNLOADS)} (or no format for this page).",
        )
    try:
        instruments = await _instruments(endpoint)
        known = [i["id"] for i in instruments]
        ids = list(dict.fromkeys(asked)) or [
            i for i in ("eu-jp-mla", "eu-us-mla", "jp-us-mlat") if i in known
        ]
        unknown = [i for i in ids if i not in known or not _INSTRUMENT_ID.match(i)]
        if unknown:
            return error_page(
                400,
                "Unknown instrument",
                f"No instrument in the graph has the id {', '.join(map(repr, unknown))}. "
                "Use one of the known instrument ids listed below, e.g. "
                "/compare?i=eu-jp-mla&i=eu-us-mla.",
                instruments=instruments,
            )
        comparison = comparison_from_dict(await endpoint.compare(ids))
    except ProtocolError as error:
        return _protocol_error_page(error)
    all_groups = [(g, label) for g, label, _ in comparison.groups()]
    if groups:
        wrong = [g for g in groups if g not in dict(all_groups)]
        if wrong:
            return error_page(
                400,
                "Unknown feature group",
                f"There is no feature group {', '.join(map(repr, wrong))}; the groups are "
                f"{', '.join(g for g, _ in all_groups)}.",
                instruments=instruments,
            )
        comparison = Comparison(
            instruments=comparison.instruments,
            features=[row for row in comparison.features if row.group in groups],
            official_texts=comparison.official_texts,
            sources=comparison.sources,
        )
    if wanted:
        return _download(comparison, wanted)
    notes = comparison.notes()
    numbers = {(row.id, cell.instrument): n for n, row, cell, _ in notes}
    names = {i["id"]: i for i in instruments}
    return render(
        "compare.html",
        comparison=comparison,
        numbers=numbers,
        notes=notes,
        legend=LEGEND,
        source_names=comparison.source_names,
        sources=comparison.source_legend(),
        instruments=instruments,
        names=names,
        selected=ids,
        groups=all_groups,
        selected_groups=groups,
        downloads=_download_links(ids, groups),
        page="compare",
    )


def _download_links(ids: list[str], groups: list[str]) -> list[tuple[str, str]]:
    """Return the page's download links: this comparison in each format of the CLI."""
    query = [("i", i) for i in ids] + [("group", g) for g in groups]
    return [
        (label, "/compare?" + urlencode([*query, ("format", key)]))
        for key, label in DOWNLOAD_LABELS.items()
    ]


def _download(comparison: Comparison, format: str) -> Response:
    """Return the comparison as a file: the bytes ``mla-kg compare -f FORMAT`` writes."""
    body, media_type, name = comparison_download(comparison, format)
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
