"""Commands ``mla-kg check-request`` and ``draft``: thin commands over :mod:`mla_kg.drafting`.

Exit codes: ``check-request`` 0 when the description is complete for its basis and every refusal
risk is answered, 1 otherwise; both commands 2 for a description that does not match the schema
(one line naming the key and what was expected) or a file that cannot be read or written.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mla_kg.cli.app import app, graph


class CheckFormat(str, Enum):
    """Output formats of ``check-request``."""

    table = "table"
    json = "json"


DescriptionArgument = Annotated[
    Path, typer.Argument(help="The request description (YAML; see docs/drafting.md).")
]
BasisOption = Annotated[
    str | None,
    typer.Option(
        "--basis",
        help="Instrument id of the legal basis (default: the description's, or the "
        "first usable basis on the request's date).",
    ),
]


@app.command("check-request")
def check_request_command(
    ctx: typer.Context,
    file: DescriptionArgument,
    basis: BasisOption = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.table,
) -> None:
    """Check a request description against its legal basis: contents, risks, measures, rules.

    Exits 0 when complete with every risk answered, 1 otherwise, 2 on a bad description.
    """
    # The drafting modules (pydantic, python-docx) load only for these commands.
    from mla_kg.drafting import RequestDescription, check_request
    from mla_kg.drafting.report import to_text

    check = check_request(graph(ctx), RequestDescription.from_file(file), basis=basis)
    print(check.to_json() if format is CheckFormat.json else to_text(check))
    raise typer.Exit(check.exit_code)


@app.command("draft")
def draft_command(
    ctx: typer.Context,
    file: DescriptionArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="request.docx (Word) or request.md (Markdown).")
    ],
    basis: BasisOption = None,
) -> None:
    """Write a draft request (DOCX or Markdown) in the structure its legal basis prescribes."""
    from mla_kg.drafting import (
        RequestDescription,
        RequestDescriptionError,
        build_draft,
        check_request,
        to_docx,
        to_markdown,
    )

    suffix = output.suffix.lower()
    if suffix not in (".docx", ".md"):
        raise RequestDescriptionError(
            "", f"cannot write {output}: the draft is .docx or .md (got {suffix or 'no suffix'!r})"
        )
    check = check_request(graph(ctx), RequestDescription.from_file(file), basis=basis)
    draft = build_draft(check)
    try:
        if suffix == ".docx":
            output.write_bytes(to_docx(draft))
        else:
            output.write_text(to_markdown(draft), encoding="utf-8")
    except OSError as error:
        raise RequestDescriptionError(
            "", f"cannot write {output}: {error.strerror or error}"
        ) from None
    markers = to_markdown(draft).count("[TO COMPLETE:")
    print(
        f"wrote {output} ({check.basis_id or 'no basis'}; "
        f"{'complete' if check.complete else 'incomplete'}; markers to complete: {markers})"
    )
