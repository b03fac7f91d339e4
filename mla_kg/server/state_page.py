"""The "Bound by" section of a State's page: three answers, never two.

For every multilateral instrument of the graph the page says whether the State is bound (with
the first and last day and the record's status and sources), not bound (a recorded
non-participation, opt-out or withdrawal), or undetermined: the graph records nothing either
way, which is said plainly and never shown as "not bound". Bilateral instruments appear where
the State is a party (their party lists are complete).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef

from mla_kg.graph.results import add_source
from mla_kg.server.labels import words
from mla_kg.server.page_base import _ONTOLOGY, _local_name, _status
from mla_kg.server.protocol import ProtocolError
from mla_kg.server.results import Term

if TYPE_CHECKING:
    from mla_kg.server.endpoint import Endpoint

_MULTILATERAL = {f"{_ONTOLOGY}MultilateralConvention", f"{_ONTOLOGY}Protocol"}


@dataclass
class Binding:
    """One line of the section: an instrument and what the graph says of the State under it."""

    instrument: str  # IRI
    id: str
    name: str
    answer: str  # bound | not bound | undetermined
    mode: str = ""
    start: str = ""
    end: str = ""
    verification: str | None = None
    sources: list[str] = field(default_factory=list)
    missing: str = ""


def bindings(code: str, rows: Sequence[Mapping[str, Term]]) -> list[Binding]:
    """Return the State's answer per instrument from the rows of ``state_participation``."""
    by_instrument: dict[str, list[Mapping[str, Term]]] = {}
    for row in rows:
        by_instrument.setdefault(row["instrument"].value, []).append(row)
    out: list[Binding] = []
    for iri, group in by_instrument.items():
        first = group[0]
        ident = first["id"].value
        name = first["shortTitle"].value if "shortTitle" in first else ident
        multilateral = any(r["kind"].value in _MULTILATERAL for r in group)
        records: dict[str, Binding] = {}
        for row in group:
            if "participation" not in row:
                continue
            record = records.setdefault(
                row["participation"].value,
                Binding(
                    iri,
                    ident,
                    name,
                    "bound" if row["bound"].value in ("true", "1") else "not bound",
                    mode=words(_local_name(row["mode"].value)) if "mode" in row else "",
                    start=row["from"].value if "from" in row else "",
                    end=row["until"].value if "until" in row else "",
                    verification=_status(row.get("verification")),
                ),
            )
            if "source" in row:  # rows repeat per source: each source key once
                add_source(record.sources, {"source": row["source"].value})
        if records:
            out.extend(records.values())
        elif first["party"].value == "yes":
            out.append(Binding(iri, ident, name, "bound", mode="contracting party"))
        elif multilateral:
            missing = (
                f"no record of whether {code} is bound by {ident}; check the depositary's "
                "chart of signatures and ratifications"
            )
            out.append(Binding(iri, ident, name, "undetermined", missing=missing))
    return out


async def state_bindings(endpoint: Endpoint, iri: str, code: str) -> list[Binding] | None:
    """Return the "Bound by" lines of a State's page (None if the query failed)."""
    try:
        rows = await endpoint.select(
            endpoint.named_query("state_participation"), {"state": URIRef(iri)}
        )
    except ProtocolError:
        return None
    return bindings(code, rows)
