"""The request form of ``mla-kg serve``: describe a request, see its check live, download a draft.

``GET /request`` shows a form for a request description (or a YAML text to paste), filled with
the documented example (``docs/request-example.yaml``) and its check. ``POST /request/check``
answers the completeness check of a description: the page (without JavaScript), the check alone
as an HTML fragment (``?view=fragment``, what the page's script fetches as you type) or, with
``Accept: application/json``, the JSON that ``mla-kg check-request FILE -f json`` prints.
``POST /request/draft?format=docx|md`` answers the draft request as a download, the same as
``mla-kg draft FILE -o request.docx|md``.

A body is form fields (``application/x-www-form-urlencoded``: the form's fields, or
``source=yaml`` with a ``yaml`` field) or a YAML text (``application/yaml``, ``text/yaml``,
``text/plain``); at most :data:`MAX_DESCRIPTION_BYTES` (413 beyond). The description is read,
checked and drafted in a query worker (:mod:`mla_kg.server.request_job`), through the knowledge
graph's facade; a description that does not match the schema is a 400 with the one-line
message naming the key and what was expected, shown in the page.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mla_kg.graph.queries import load_queries
from mla_kg.server import protocol
from mla_kg.server.lanes import TooManyQueries
from mla_kg.server.page_base import _endpoint, _instruments, render
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.request_form import (
    ITEM_FIELDS,
    MEASURE_FIELDS,
    PERSON_FIELDS,
    description_fields,
    row_count,
    submitted_values,
)
from mla_kg.server.request_job import BAD_DESCRIPTION, RequestJob
from mla_kg.server.responses import error_response

#: The largest request description accepted (64 KiB); the example is about 3 KiB.
MAX_DESCRIPTION_BYTES = 65_536
#: The most form fields one body may hold (the form has about 200).
MAX_FIELDS = 2_000
JSON = "application/json"
#: Media types of a body holding a YAML description (YAML is a superset of JSON).
YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", JSON}
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The draft's formats: media type and file name of the download.
FORMATS = {"md": ("text/markdown; charset=utf-8", "request.md"), "docx": (DOCX, "request.docx")}
#: What the check and the draft contain is the drafter's case: no cache keeps it.
_PRIVATE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class Submission:
    """A request description as the client sent it: form fields, or a YAML text."""

    fields: tuple[tuple[str, str], ...] = ()
    yaml_text: str | None = None

    @property
    def source(self) -> str:
        """Return ``yaml`` or ``form``: which of the page's two forms gave the description."""
        return "yaml" if self.yaml_text is not None else "form"

    def job(self, output: str) -> RequestJob:
        """Return the worker job that checks (``check``) or drafts (``md``, ``docx``) it."""
        return RequestJob(output, self.yaml_text, self.fields)  # type: ignore[arg-type]


async def read_description(request: Request) -> bytes:
    """Read the body, refusing one larger than :data:`MAX_DESCRIPTION_BYTES` (413)."""
    too_large = ProtocolError(
        413,
        f"the request description is larger than {MAX_DESCRIPTION_BYTES // 1024} KiB; "
        "shorten the facts or the lists (the documented example is about 3 KiB)",
    )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_DESCRIPTION_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_DESCRIPTION_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def parse_submission(content_type: str | None, body: bytes) -> Submission:
    """Return the description a body holds.

    :raises ProtocolError: 400 for a body that is not UTF-8 or has too many fields, 415 for a
        media type that holds no description.
    """
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in YAML_TYPES and media_type not in ("", protocol.FORM):
        raise ProtocolError(
            415,
            f"a request description is sent as form fields ({protocol.FORM}) or as YAML "
            f"(application/yaml or text/plain), not {media_type}",
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(
            400, "the request description is not UTF-8 text", BAD_DESCRIPTION
        ) from None
    if media_type in YAML_TYPES:
        return Submission(yaml_text=text)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise ProtocolError(
            400, "a form field is not UTF-8 text once decoded", BAD_DESCRIPTION
        ) from None
    except ValueError:
        raise ProtocolError(
            400, f"the form has more than {MAX_FIELDS} fields", BAD_DESCRIPTION
        ) from None
    if dict(pairs).get("source") == "yaml":
        return Submission(yaml_text=dict(pairs).get("yaml", ""))
    return Submission(fields=tuple(pairs))


async def _run(request: Request, job: RequestJob) -> dict[str, Any]:
    """Run a request job on the worker pool, within the client's share of it (else 429)."""
    endpoint = _endpoint(request)
    try:
        with endpoint.slots.hold((request.client or ("?",))[0]):
            answer = await endpoint.run(job)
    except TooManyQueries:
        raise ProtocolError(
            429,
            "you already have several checks or drafts running on this server; wait for one "
            "to finish",
        ) from None
    data: dict[str, Any] = answer.data
    return data


@cache
def _example() -> tuple[str, dict[str, Any]]:
    """Return the documented example as YAML text and as form values (empty without docs)."""
    from mla_kg.drafting import RequestDescription, RequestDescriptionError
    from mla_kg.drafting.check import EXAMPLE

    try:
        text = EXAMPLE.read_text(encoding="utf-8")
        return text, description_fields(RequestDescription.from_yaml(text, str(EXAMPLE)))
    except (OSError, RequestDescriptionError):  # the docs do not ship in the wheel
        return "", {"measure": []}


@cache
def _choices() -> dict[str, list[tuple[str, str]]]:
    """Return the values (value, text) the schema allows for the keys the form offers as a list."""
    from mla_kg.drafting.description import Proceedings, Requesting

    def allowed(model: Any, key: str) -> list[tuple[str, str]]:
        literal = next(a for a in typing.get_args(model.model_fields[key].annotation) if a)
        return [(value, value) for value in typing.get_args(literal)]

    return {
        "requesting.authority_kind": allowed(Requesting, "authority_kind"),
        "proceedings.stage": allowed(Proceedings, "stage"),
    }


async def _form_context(request: Request) -> dict[str, Any]:
    """Return what the form shows from the graph: the measures and the instruments."""
    endpoint = _endpoint(request)
    rows = await endpoint.select(load_queries()["checklist_features"].text)
    measures = [
        {"id": row["featureId"].value, "label": row["label"].value if "label" in row else ""}
        for row in rows
        if row["groupId"].value == "measures"
    ]
    instruments = sorted(i["id"] for i in await _instruments(endpoint))
    return {"measures": measures, "options": {**_choices(), "legal_basis": _pairs(instruments)}}


def _pairs(values: list[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


async def _page(
    request: Request,
    values: dict[str, Any],
    yaml_text: str,
    source: str,
    status: int = 200,
    **result: Any,
) -> Response:
    """Render the whole page: the form with these values, and a check or an error."""
    try:
        context = await _form_context(request)
    except ProtocolError as error:
        context = {"measures": [], "options": {**_choices(), "legal_basis": []}}
        result.setdefault("error", error)
        status = error.status if status == 200 else status
    response = render(
        "request.html",
        status,
        values=values,
        yaml_text=yaml_text,
        source=source,
        rows={"person": row_count(values, "person"), "item": row_count(values, "item")},
        field_names={"measure": MEASURE_FIELDS, "person": PERSON_FIELDS, "item": ITEM_FIELDS},
        page="request",
        **context,
        **result,
        **verdict(result.get("check"), result.get("error")),
    )
    response.headers.update(_PRIVATE)
    return response


async def request_page(request: Request) -> Response:
    """Serve ``GET /request``: the form, filled with the documented example and its check."""
    text, values = _example()
    result: dict[str, Any] = {}
    if text:
        try:
            result["check"] = (await _run(request, RequestJob("check", yaml_text=text)))["check"]
        except ProtocolError as error:
            result["error"] = error
    return await _page(request, values, text, "form", **result)


def verdict(check: Any = None, error: ProtocolError | None = None) -> dict[str, str]:
    """Return the state of a check (``complete``, ``incomplete``, ``error``) and its summary line.

    >>> verdict(error=ProtocolError(400, "x", "Bad request description"))
    {'state': 'error', 'summary': 'Bad request description'}
    """
    if error is not None:
        return {"state": "error", "summary": error.title}
    if check is None:
        return {"state": "", "summary": "not checked yet"}
    if check.plan is None:
        return {"state": "incomplete", "summary": "no usable legal basis"}
    gaps = sum(r.counts for r in [*check.requirements, *check.guidance])
    head = "Complete" if check.complete else f"Incomplete: {gaps} missing"
    return {
        "state": "complete" if check.complete else "incomplete",
        "summary": f"{head} · unanswered risks: {len(check.unanswered)}",
    }


def _wants_json(request: Request) -> bool:
    return protocol.negotiate(request.headers.get("accept"), (protocol.HTML, JSON)) == JSON


async def check_page(request: Request) -> Response:
    """Serve ``POST /request/check``: the check as JSON, as the page's fragment, or the page."""
    fragment = request.query_params.get("view") == "fragment"
    submission: Submission | None = None
    try:
        submission = parse_submission(
            request.headers.get("content-type"), await read_description(request)
        )
        data = await _run(request, submission.job("check"))
    except ProtocolError as error:
        return await _failed(request, error, submission, fragment)
    if _wants_json(request):
        # What `mla-kg check-request FILE -f json` prints, final newline included.
        return Response(data["json"] + "\n", media_type=JSON, headers=_PRIVATE)
    if fragment:
        response = render("request_check.html", check=data["check"], **verdict(data["check"]))
        response.headers.update(_PRIVATE)
        return response
    values = data["values"] if submission.source == "yaml" else submitted_values(submission.fields)
    return await _page(
        request,
        values,
        submission.yaml_text or _example()[0],
        submission.source,
        check=data["check"],
    )


async def _failed(
    request: Request, error: ProtocolError, submission: Submission | None, fragment: bool
) -> Response:
    """Answer an error of the check or the draft in the form the client reads."""
    accept = request.headers.get("accept")
    if protocol.negotiate(accept, (protocol.HTML, JSON, "text/plain")) != protocol.HTML:
        return error_response(error.status, error.title, error.message, accept, **_PRIVATE)
    if fragment:
        response = render("request_check.html", error.status, error=error, **verdict(error=error))
        response.headers.update(_PRIVATE)
        return response
    text, values = _example()
    if submission is not None and submission.source == "form":
        values = submitted_values(submission.fields)
    source = submission.source if submission else "form"
    yaml_text = submission.yaml_text if submission and submission.yaml_text is not None else text
    return await _page(request, values, yaml_text, source, error.status, error=error)


async def draft_download(request: Request) -> Response:
    """Serve ``POST /request/draft?format=docx|md``: the draft request as a download."""
    chosen = request.query_params.get("format", "docx")
    submission: Submission | None = None
    try:
        if chosen not in FORMATS:
            raise ProtocolError(
                400, f"format={chosen!r}: the draft is docx or md", "Unknown draft format"
            )
        submission = parse_submission(
            request.headers.get("content-type"), await read_description(request)
        )
        data = await _run(request, submission.job(chosen))
    except ProtocolError as error:
        return await _failed(request, error, submission, fragment=False)
    media_type, name = FORMATS[chosen]
    headers = {"Content-Disposition": f'attachment; filename="{name}"', **_PRIVATE}
    return Response(data["body"], media_type=media_type, headers=headers)


def request_routes() -> list[BaseRoute]:
    """Return the routes of the request form."""
    return [
        Route("/request", request_page, methods=["GET", "HEAD"], name="request_page"),
        Route("/request/check", check_page, methods=["POST"], name="request_check"),
        Route("/request/draft", draft_download, methods=["POST"], name="request_draft"),
    ]


__all__ = [
    "MAX_DESCRIPTION_BYTES",
    "Submission",
    "check_page",
    "draft_download",
    "parse_submission",
    "read_description",
    "request_page",
    "request_routes",
]
