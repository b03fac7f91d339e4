"""What a query worker does for the request form: read the description, check it, draft it.

The server reads and bounds the request body; everything that depends on its content (parsing
YAML, validating the description, the check, the draft) runs in a worker, under the pool's
timeout and memory cap, through the knowledge graph's facade (``check_request``,
``draft_request``) and the drafting layer's renderers. A description that cannot be read or does
not match the schema is a 400 with the drafting layer's one-line message.

>>> from mla_kg.knowledge_graph import KnowledgeGraph
>>> run_request(KnowledgeGraph(), RequestJob("check", yaml_text="requesting: {state: BE}"))
Traceback (most recent call last):
...
mla_kg.server.protocol.ProtocolError: 400: request description: requesting.authority: missing \
(expected the name of the authority making the request)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mla_kg.errors import MlaKgError
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.request_form import description_fields, fields_mapping

if TYPE_CHECKING:
    from mla_kg.drafting import RequestDescription
    from mla_kg.knowledge_graph import KnowledgeGraph

BAD_DESCRIPTION = "Bad request description"


@dataclass(frozen=True)
class RequestJob:
    """A request description to check or draft, as the form or a YAML text gave it.

    :ivar output: ``check`` (the check, its JSON and the form's values), ``md`` or ``docx``.
    :ivar yaml_text: the description as YAML, or ``None`` when the form's fields give it.
    :ivar fields: the form's ``(name, value)`` pairs.
    """

    output: Literal["check", "md", "docx"]
    yaml_text: str | None = None
    fields: tuple[tuple[str, str], ...] = ()


def _refuse_aliases(text: str) -> None:
    """Refuse YAML anchors and aliases: a description needs none, and they can multiply work."""
    import yaml

    from mla_kg.drafting import RequestDescriptionError

    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                mark = token.start_mark
                raise RequestDescriptionError(
                    "",
                    f"request description: YAML anchors and aliases (&name, *name) are not "
                    f"accepted, at line {mark.line + 1}: write each value out",
                )
    except yaml.YAMLError:
        return  # the parser reports it, with its line


def description(job: RequestJob) -> RequestDescription:
    """Return the validated description of a job.

    :raises RequestDescriptionError: for text that does not parse or does not match.
    """
    # The drafting layer (pydantic, python-docx) loads with the first request job, so that
    # workers and the server start as fast as before.
    from mla_kg.drafting import RequestDescription

    if job.yaml_text is not None:
        _refuse_aliases(job.yaml_text)
        return RequestDescription.from_yaml(job.yaml_text)
    return RequestDescription.from_mapping(fields_mapping(job.fields))


def run_request(kg: KnowledgeGraph, job: RequestJob) -> dict[str, Any]:
    """Answer a request job: the check (object, JSON, form values) or the draft's bytes.

    :raises ProtocolError: 400 with the one-line message for a description that does not
        match the schema, an unknown measure or State, or a basis that is not usable.
    """
    from mla_kg.drafting import RequestDescriptionError, to_docx, to_markdown

    try:
        given = description(job)
        if job.output == "check":
            check = kg.check_request(given)
            return {"check": check, "json": check.to_json(), "values": description_fields(given)}
        draft = kg.draft_request(given)
        body = to_docx(draft) if job.output == "docx" else to_markdown(draft).encode("utf-8")
        return {"body": body}
    except RequestDescriptionError as error:
        raise ProtocolError(400, str(error), BAD_DESCRIPTION) from None
    except RecursionError:
        raise ProtocolError(
            400, "request description: nested too deeply to be a description", BAD_DESCRIPTION
        ) from None
    except MlaKgError as error:
        raise ProtocolError(400, str(error), BAD_DESCRIPTION) from None


def job_summary(job: RequestJob) -> str:
    """Return a short, log-safe description of a request job (no content of the description)."""
    source = f"{len(job.yaml_text)} characters of YAML" if job.yaml_text else "the form"
    return f"request {job.output} from {source}"


__all__ = ["BAD_DESCRIPTION", "RequestJob", "description", "job_summary", "run_request"]
