"""The comparison page of ``mla-kg serve`` (``/compare``): the matrix of the domain's comparison."""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from mla_kg.compare import DEFAULT_INSTRUMENTS, LEGEND, Comparison
from mla_kg.compare.render import DOWNLOADS, comparison_download
from mla_kg.server.page_base import (
    _INSTRUMENT_ID,
    _endpoint,
    _instruments,
    _protocol_error_page,
    error_page,
    local_href,
    render,
)
from mla_kg.server.protocol import ProtocolError

#: What the page's download links offer, in order, with the names a reader knows them by.
DOWNLOAD_LABELS = {"csv": "CSV", "json": "JSON", "md": "Markdown", "html": "HTML", "latex": "LaTeX"}

# --------------------------------------------------------------------------------------------
# The comparison page
# --------------------------------------------------------------------------------------------


async def compare_page(request: Request) -> Response:
    """Serve ``/compare?i=<id>&i=<id>[&group=<group>]``: the comparison matrix.

    The comparison layer filters the groups (``compare(..., groups=...)``, as ``mla-kg compare
    --group`` does); the group choices are the comparison's ``all_groups``.
    """
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
        ids = list(dict.fromkeys(asked)) or [i for i in DEFAULT_INSTRUMENTS if i in known]
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
        comparison = await endpoint.compare(ids, groups)
    except ProtocolError as error:
        if error.title == "Unknown feature group":
            message = f"{error.message[:1].upper()}{error.message[1:]} (or none for every group)."
            return error_page(400, error.title, message, instruments=instruments)
        return _protocol_error_page(error)
    if wanted:
        return _download(comparison, wanted)
    notes = comparison.notes()
    names = {i["id"]: i for i in instruments}
    # Every id is known by now (an unknown one was answered 400 above).
    columns = {
        i: (names[i]["name"], f"{names[i]['title']} ({i})", f"/id/instrument/{i}")
        for i in comparison.instruments
    }
    # The compare package's one matrix markup, its links pointing at this server's pages.
    matrix = Markup(comparison.html_matrix(local_href, _feature_href, columns))
    return render(
        "compare.html",
        comparison=comparison,
        matrix=matrix,
        notes=notes,
        legend=LEGEND,
        sources=comparison.source_legend(),
        instruments=instruments,
        names=names,
        selected=ids,
        groups=comparison.all_groups,
        selected_groups=groups,
        downloads=_download_links(ids, groups),
        page="compare",
    )


def _feature_href(feature_id: str) -> str:
    """Return the link of a matrix row: the feature's page."""
    return f"/feature/{feature_id}"


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
