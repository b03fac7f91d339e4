"""From plan to request: a request description, its completeness check and a draft request.

``description`` reads and validates the YAML a practitioner writes; ``contents`` reads what each
instrument's prescribed-contents provision asks for (research/drafting/request-contents.yaml);
``check`` weighs the description against its legal basis; ``document`` builds the draft request
once, and ``markdown`` and ``word`` render it. Only the public API of the graph is used.
"""

from mla_kg.drafting.check import RequestCheck, check_request
from mla_kg.drafting.description import RequestDescription, RequestDescriptionError
from mla_kg.drafting.document import DraftRequest, build_draft
from mla_kg.drafting.markdown import to_markdown
from mla_kg.drafting.word import to_docx, write_docx

__all__ = [
    "DraftRequest",
    "RequestCheck",
    "RequestDescription",
    "RequestDescriptionError",
    "build_draft",
    "check_request",
    "to_docx",
    "to_markdown",
    "write_docx",
]
