"""From plan to request: a request description, its completeness check and a draft request.

``description`` reads and validates the YAML a practitioner writes; ``contents`` reads what each
instrument's prescribed-contents provision asks for (research/drafting/request-contents.yaml);
``check`` weighs the description against its legal basis; ``document`` builds the draft request
once, and ``markdown`` and ``word`` render it. Only the public API of the graph is used.
"""

from mla_kg.drafting.check import RequestCheck, check_request
from mla_kg.drafting.description import RequestDescription, RequestDescriptionError

__all__ = ["RequestCheck", "RequestDescription", "RequestDescriptionError", "check_request"]
