"""The bounds every request to the endpoint lives within, and their defaults.

Kept free of heavy imports, so that ``mla-kg serve --help`` can show the defaults quickly.
"""

from __future__ import annotations

#: Seconds a query may run (producing its answer included) before its worker is killed.
DEFAULT_TIMEOUT = 10.0
#: Most rows (or triples) in one answer.
DEFAULT_MAX_ROWS = 10_000
#: Most bytes in one answer (32 MiB); a longer one is cut at a row boundary, with a marker.
DEFAULT_MAX_BYTES = 33_554_432
#: Address space a query worker may use, in megabytes (``RLIMIT_AS``).
DEFAULT_WORKER_MEMORY_MB = 4_096
#: Most expensive queries (those sent to the pool) one client address may have running at once.
#: Not lower: one address may be many people (a NAT, a proxy), and eight concurrent clients
#: from one address is what the load test sends.
DEFAULT_CLIENT_QUERIES = 8
#: Longest URL (path and query string) accepted; longer GET queries should be POSTed.
MAX_URL_BYTES = 8_192
#: Largest total size of the request headers.
MAX_HEADER_BYTES = 16_384
#: Largest request body (a POSTed query).
MAX_BODY_BYTES = 1_048_576
