"""Convert ``research/participation/<instrument-id>.yaml`` into ``data/participation-<id>.ttl``.

Part of the generator (``python scripts/import_research.py``): :func:`convert_folder` is called from
:func:`tools.research_import.convert.convert`. One research file per multilateral instrument lists,
State by State, what the depositary's status page (or another source) shows: signature, the act by
which the State consented to be bound (ratification, accession, approval, acceptance, succession)
and its date, entry into force for that State, denunciation, and the reservations and declarations
that change what a request can get. Every row carries its status (official / scholarly / recalled)
and sources; a State whose position was not established is listed with ``bound: unknown`` and
becomes no record at all, so that a finder reports it as undetermined instead of "not a party".

The files are checked against a schema (pydantic models below) before anything is converted; a
problem raises :class:`ParticipationError` naming the file, the key and what to change.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rdflib import Graph, Namespace, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from .text import source_short_name

BASE = "https://w3id.org/mla-kg/"
MLA = Namespace(BASE + "ontology#")
INSTRUMENT = Namespace(BASE + "id/instrument/")
STATE = Namespace(BASE + "id/state/")
SOURCE = Namespace(BASE + "id/source/")

Status = Literal["official", "scholarly", "recalled"]
STATUS_RANK = {"recalled": 0, "scholarly": 1, "official": 2}
#: What a source's class allows a row citing it to be, at most.
CLASS_ALLOWS = {"official": "official", "scholarly": "scholarly", "non-official": "recalled"}
SOURCE_CLASSES = {
    "official": MLA.OfficialSource,
    "scholarly": MLA.ScholarlySource,
    "non-official": MLA.NonOfficialSource,
}
Consent = Literal["ratification", "accession", "approval", "acceptance", "succession"]
Mode = Literal[
    "asParty", "throughMembership", "optIn", "optOut", "accession", "territorialExtension"
]
#: The controlled vocabulary of what a reservation or declaration does (mla:DeclarationEffect).
EFFECTS = {
    "requires-dual-criminality": MLA.requiresDualCriminality,
    "restricts-measure": MLA.restrictsMeasure,
    "designates-authority": MLA.designatesAuthority,
    "designates-channel": MLA.designatesChannel,
    "language": MLA.languageRequirement,
    "restricts-scope": MLA.restrictsScope,
    "territorial-application": MLA.territorialApplication,
}
Effect = Literal[
    "requires-dual-criminality",
    "restricts-measure",
    "designates-authority",
    "designates-channel",
    "language",
    "restricts-scope",
    "territorial-application",
]
#: The source key of what the researcher recalls without having seen it (the research record).
RECALL = "recall"
SourceKeys = Annotated[list[str], Field(min_length=1)]
PROVISION_PATH = re.compile(r"^(art|annex)/[0-9A-Za-z-]+(/(para|point)/[0-9A-Za-z-]+)*$")


class ParticipationError(Exception):
    """A participation file the converter cannot map; the message names the file and the key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class Strict(BaseModel):
    """A mapping of the research file: unknown keys are errors (a typo must not vanish)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Copy(Strict):
    """The copy of a source that was actually read (a repository snapshot)."""

    repository: str
    commit: Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")]
    path: str


class SourceEntry(Strict):
    """A source of the file: where it can be read, what it is, and what kind of source it is."""

    url: str
    what: str
    kind: Literal["official", "scholarly", "non-official"]
    short_name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    derived_from: Copy | None = None


class Step(Strict):
    """A dated step given with its own status and sources (where they differ from the row's)."""

    date: dt.date
    status: Status | None = None
    source: list[str] | None = None
    pinpoint: str | None = None
    note: str | None = None


DateOrStep = dt.date | Step


class Declaration(Strict):
    """A reservation, declaration or notification of the State, in own words."""

    kind: Literal["reservation", "declaration", "notification"]
    provision: str = Field(description="the article as cited, e.g. 'Art 29(4)'")
    path: Annotated[str, Field(pattern=PROVISION_PATH.pattern)]
    effect: Annotated[list[Effect], Field(min_length=1)]
    summary: Annotated[str, Field(min_length=10)]
    from_: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None
    status: Status
    source: SourceKeys
    pinpoint: str | None = None
    note: str | None = None


class Row(Strict):
    """One State's participation in the instrument."""

    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    bound: bool | Literal["unknown"] | None = None
    recorded_in: str | None = None
    mode: Mode | None = None
    signed: DateOrStep | None = None
    consent: Consent | None = None
    consent_date: DateOrStep | None = None
    in_force: DateOrStep | None = None
    denounced: DateOrStep | None = None
    until: DateOrStep | None = None
    status: Status | None = None
    source: list[str] | None = None
    pinpoint: str | None = None
    note: str | None = None
    declarations: list[Declaration] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> Row:
        if self.recorded_in is not None:
            facts = (self.bound, self.mode, self.signed, self.consent_date, self.in_force)
            if any(value is not None for value in facts) or self.status or self.source:
                raise ValueError(
                    "a row recorded_in another research file carries no facts of its own "
                    "(only state, note and declarations)"
                )
            return self
        if self.bound is None:
            raise ValueError("give bound: true, false or unknown")
        if self.bound == "unknown":
            if self.consent_date or self.in_force or self.status == "official":
                raise ValueError("an unknown position has no consent or entry-into-force date")
            if not self.note:
                raise ValueError("say in a note what was not established and where to check")
            return self
        if self.status is None or not self.source:
            raise ValueError("a recorded position needs status and source")
        if self.consent_date is not None and self.consent is None:
            raise ValueError("consent_date needs consent (ratification, accession, ...)")
        if self.bound is False and (self.in_force is not None or self.mode == "asParty"):
            raise ValueError("a State that is not bound has no entry into force as a party")
        if self.bound is False and not self.note:
            raise ValueError("say in a note why the State is not bound")
        return self


class ParticipationFile(Strict):
    """A research file: one instrument, its sources, and every State's row."""

    instrument: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    depositary: str
    as_of: str | None = None
    note: str | None = None
    sources: dict[str, SourceEntry]
    states: Annotated[list[Row], Field(min_length=1)]


def _data_path(data: Any, loc: tuple[Any, ...]) -> list[Any]:
    """Return the part of an error location that names keys of the file (not union members)."""
    path: list[Any] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(data, dict) and isinstance(part, str):
            path.append(part)  # a missing key: name it, nothing below it exists
            break
        else:
            break
        path.append(part)
    return path


def load(path: Path) -> ParticipationFile:
    """Read and check one research file.

    :raises ParticipationError: naming the file, the first offending key and the problem.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        parsed = ParticipationFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in _data_path(data, first["loc"])) or "(top)"
        raise ParticipationError(path.name, key, first["msg"]) from None
    if parsed.instrument != path.stem:
        raise ParticipationError(path.name, "instrument", f"{parsed.instrument!r} != file name")
    seen: set[str] = set()
    for index, row in enumerate(parsed.states):
        if row.state in seen:
            raise ParticipationError(path.name, f"states.{index}.state", f"{row.state} twice")
        seen.add(row.state)
    return parsed


def _steps(row: Row) -> dict[str, Step]:
    """Return the row's dated steps, each as a Step with the row's status and sources filled in."""
    steps = {}
    for name in ("signed", "consent_date", "in_force", "denounced", "until"):
        value = getattr(row, name)
        if value is None:
            continue
        step = value if isinstance(value, Step) else Step(date=value)
        steps[name] = Step(
            date=step.date,
            status=step.status or row.status,
            source=step.source or row.source,
            pinpoint=step.pinpoint,
            note=step.note,
        )
    return steps


STEP_LABELS = {
    "signed": "Signed",
    "consent_date": "{consent} deposited",
    "in_force": "In force for the State from",
    "denounced": "Denunciation notified",
    "until": "Last day bound",
}


class Converter:
    """Turns one checked research file into its participation and declaration nodes."""

    def __init__(
        self,
        file: ParticipationFile,
        name: str,
        instrument_graph: Graph,
        sources_graph: Graph,
        states: Mapping[str, Any],
        new_graph: Callable[[], Graph],
    ) -> None:
        self.file = file
        self.name = name
        self.instrument = INSTRUMENT[file.instrument]
        self.instrument_graph = instrument_graph
        self.sources_graph = sources_graph
        self.states = states
        self.graph = new_graph()
        self.graph.bind("part", Namespace(f"{self.instrument}/participation/"))
        self.counts = {"official": 0, "scholarly": 0, "recalled": 0, "unknown": 0, "elsewhere": 0}
        self.declarations = 0

    def error(self, key: str, problem: str) -> ParticipationError:
        """Return the error naming this file and the key."""
        return ParticipationError(self.name, key, problem)

    def source_iri(self, key: str) -> URIRef:
        """Return the IRI of a source key of the file (``recall``: the file's research record)."""
        if key == RECALL:
            return SOURCE[f"research-participation-{self.file.instrument}"]
        return SOURCE[f"participation-{self.file.instrument}-{key}"]

    def add_sources(self) -> None:
        """Describe the file's sources (in the shared sources graph, beside the fact sheets')."""
        g = self.sources_graph
        record = self.source_iri(RECALL)
        g.add((record, RDF.type, MLA.Source))
        g.add((record, RDF.type, MLA.ResearchRecord))
        title = f"Research record: participation in {self.file.instrument} ({self.name})"
        g.add((record, DCTERMS.title, RDFLiteral(title, lang="en")))
        g.add(
            (
                record,
                MLA.url,
                RDFLiteral(f"research/participation/{self.name}", datatype=XSD.anyURI),
            )
        )
        g.add((record, MLA.sourceKey, RDFLiteral(RECALL)))
        short = f"participation sheet {self.file.instrument}"
        g.add((record, MLA.shortName, RDFLiteral(short)))
        self.note_source(record)
        for key, entry in sorted(self.file.sources.items()):
            iri = self.source_iri(key)
            g.add((iri, RDF.type, MLA.Source))
            g.add((iri, RDF.type, SOURCE_CLASSES[entry.kind]))
            g.add((iri, DCTERMS.title, RDFLiteral(" ".join(entry.what.split()), lang="en")))
            g.add((iri, MLA.url, RDFLiteral(entry.url, datatype=XSD.anyURI)))
            g.add((iri, MLA.sourceKey, RDFLiteral(key)))
            short = entry.short_name or source_short_name(entry.what, entry.url)
            g.add((iri, MLA.shortName, RDFLiteral(short)))
            if entry.derived_from is not None:
                copy = entry.derived_from
                node = URIRef(f"{iri}/copy")
                g.add((iri, PROV.wasDerivedFrom, node))
                g.add((node, RDF.type, PROV.Entity))
                g.add((node, DCTERMS.source, RDFLiteral(copy.repository)))
                g.add((node, MLA.note, RDFLiteral(f"{copy.path} at commit {copy.commit}")))

    def cite(self, node: URIRef, keys: list[str], status: str, where: str) -> None:
        """Add the sources and the status, refusing a status the sources cannot carry."""
        strongest = "recalled"
        for key in keys:
            if key == RECALL:
                self.graph.add((node, MLA.source, self.source_iri(key)))
                continue
            entry = self.file.sources.get(key)
            if entry is None:
                raise self.error(where, f"source {key!r} is not in the file's sources")
            self.graph.add((node, MLA.source, self.source_iri(key)))
            allowed = CLASS_ALLOWS[entry.kind]
            if STATUS_RANK[allowed] > STATUS_RANK[strongest]:
                strongest = allowed
        if STATUS_RANK[status] > STATUS_RANK[strongest]:
            raise self.error(
                where, f"{status} needs a source of that kind; the sources allow {strongest}"
            )
        self.graph.add((node, MLA.verification, MLA[status]))

    def note_source(self, record: URIRef) -> None:
        """Say what the research record stands for: what was believed, not read."""
        text = (
            "Cited by a participation or declaration that rests on what the researcher knew but "
            "did not see in a source during this research (status recalled): check it against "
            "the depositary's status page before relying on it."
        )
        self.sources_graph.add((record, MLA.note, RDFLiteral(text, lang="en")))

    def note(self, node: URIRef, text: str | None) -> None:
        """Add an own-words research note (whitespace normalised)."""
        if text:
            self.graph.add((node, MLA.note, RDFLiteral(" ".join(text.split()), lang="en")))

    def convert(self) -> Graph:
        """Convert every row; return the graph of the instrument's participation file."""
        self.add_sources()
        for index, row in enumerate(self.file.states):
            where = f"states.{index}"
            if row.state not in self.states:
                raise self.error(f"{where}.state", f"unknown State {row.state}; add it to STATES")
            node = URIRef(f"{self.instrument}/participation/{row.state}")
            exists = (node, RDF.type, MLA.Participation) in self.instrument_graph
            if row.recorded_in is not None:
                if not exists:
                    raise self.error(f"{where}.recorded_in", f"{node} is not in {row.recorded_in}")
                self.counts["elsewhere"] += 1
            elif exists:
                raise self.error(
                    f"{where}.state",
                    f"{row.state} already has a participation from the instrument's fact sheet or "
                    "research/curation.yaml: say recorded_in, or remove the other record",
                )
            elif row.bound == "unknown":
                self.counts["unknown"] += 1
            else:
                self.add_participation(node, row, where)
            for number, declaration in enumerate(row.declarations, 1):
                self.add_declaration(row.state, number, declaration, f"{where}.declarations")
        return self.graph

    def add_participation(self, node: URIRef, row: Row, where: str) -> None:
        """Add one State's mla:Participation with its dated steps, status and sources."""
        g = self.graph
        assert row.status is not None and row.source is not None
        g.add((node, RDF.type, MLA.Participation))
        g.add((node, MLA.instrument, self.instrument))
        g.add((node, MLA.participant, STATE[row.state]))
        g.add((node, MLA.bound, RDFLiteral(bool(row.bound))))
        mode = row.mode or ("asParty" if row.bound else None)
        if mode:
            g.add((node, MLA.mode, MLA[mode]))
        steps = _steps(row)
        if row.consent:
            g.add((node, MLA.consentKind, RDFLiteral(row.consent)))
        for name, prop in (
            ("signed", MLA.signedOn),
            ("consent_date", MLA.consentDate),
            ("in_force", MLA["from"]),
            ("denounced", MLA.denouncedOn),
            ("until", MLA.until),
        ):
            if name in steps:
                g.add((node, prop, RDFLiteral(steps[name].date.isoformat(), datatype=XSD.date)))
        # One verification per node: the weakest of the row and the dates it records.
        statuses = [row.status] + [s.status for s in steps.values() if s.status]
        status = min(statuses, key=STATUS_RANK.__getitem__)
        keys = sorted({k for s in steps.values() for k in (s.source or [])} | set(row.source))
        self.cite(node, keys, status, where)
        if row.pinpoint:
            g.add((node, MLA.pinpoint, RDFLiteral(row.pinpoint)))
        for name, step in steps.items():
            label = STEP_LABELS[name].format(consent=(row.consent or "").capitalize())
            extra = f"; {step.pinpoint}" if step.pinpoint else ""
            cited = ", ".join(step.source or [])
            text = f"{label} {step.date.isoformat()} ({step.status}, source {cited}{extra})."
            self.note(node, text + (f" {step.note}" if step.note else ""))
        self.note(node, row.note)
        if self.file.as_of and row.bound is False:
            self.note(node, f"Position as the sources show it {self.file.as_of}.")
        self.counts[status] += 1

    def provision(self, path: str) -> URIRef:
        """Return the finest recorded subdivision on the path (the citation keeps the pinpoint)."""
        parts = path.split("/")
        while parts:
            iri = URIRef(f"{self.instrument}/{'/'.join(parts)}")
            if any(self.instrument_graph.triples((iri, RDF.type, None))):
                return iri
            parts = parts[:-2]
        # The instrument records no subdivision on the path: the statement concerns the instrument,
        # and mla:provisionCited keeps the article.
        return self.instrument

    def add_declaration(self, state: str, number: int, item: Declaration, where: str) -> None:
        """Add one reservation or declaration of the State as an mla:ReservationOrDeclaration."""
        g = self.graph
        node = URIRef(f"{self.instrument}/declaration/{state}/{number}")
        cls = MLA.Reservation if item.kind == "reservation" else MLA.Declaration
        g.add((node, RDF.type, MLA.ReservationOrDeclaration))
        g.add((node, RDF.type, cls))
        g.add((node, MLA.instrument, self.instrument))
        g.add((node, MLA.declaringState, STATE[state]))
        g.add((node, MLA.concernsProvision, self.provision(item.path)))
        g.add((node, MLA.provisionCited, RDFLiteral(item.provision)))
        g.add((node, MLA.declarationKind, RDFLiteral(item.kind)))
        for effect in item.effect:
            g.add((node, MLA.declarationEffect, EFFECTS[effect]))
        g.add((node, MLA.summary, RDFLiteral(" ".join(item.summary.split()), lang="en")))
        for prop, value in ((MLA["from"], item.from_), (MLA.until, item.until)):
            if value is not None:
                g.add((node, prop, RDFLiteral(value.isoformat(), datatype=XSD.date)))
        self.cite(node, item.source, item.status, f"{where}.{number - 1}")
        if item.pinpoint:
            g.add((node, MLA.pinpoint, RDFLiteral(item.pinpoint)))
        self.note(node, item.note)
        self.declarations += 1


def convert_folder(
    folder: Path,
    instrument_graphs: Mapping[str, Graph],
    sources_graph: Graph,
    states: Mapping[str, Any],
    new_graph: Callable[[], Graph],
) -> dict[str, tuple[Graph, str]]:
    """Convert every research file of ``folder``; return {data file name: (graph, research path)}.

    A file whose instrument was not converted in this run is skipped with a note on stderr (its
    participations would point at an instrument the data does not describe).
    """
    outputs: dict[str, tuple[Graph, str]] = {}
    if not folder.is_dir():
        return outputs
    for path in sorted(folder.glob("*.yaml")):
        parsed = load(path)
        graph = instrument_graphs.get(parsed.instrument)
        if graph is None:
            print(
                f"note: {path.name} not converted ({parsed.instrument} not converted)",
                file=sys.stderr,
            )
            continue
        converter = Converter(parsed, path.name, graph, sources_graph, states, new_graph)
        outputs[f"participation-{parsed.instrument}.ttl"] = (
            converter.convert(),
            f"research/participation/{path.name}",
        )
        counts = ", ".join(f"{k} {v}" for k, v in converter.counts.items())
        print(
            f"participation {parsed.instrument}: {counts}; declarations {converter.declarations}",
            file=sys.stderr,
        )
    return outputs
