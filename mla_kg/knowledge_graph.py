"""KnowledgeGraph: the public facade over a graph store, with the domain's views as methods.

:class:`~mla_kg.graph.store.Store` runs queries and resolves ids; this class adds what a user
starts from: the bundled ontology and data, a remote endpoint, and the comparison and planning
views (each forwards to its own module, which takes any :class:`~mla_kg.graph.store.GraphStore`).

>>> kg = KnowledgeGraph()
>>> {"eu-jp-mla", "eu-us-mla", "jp-us-mlat"} <= set(kg.instruments())
True
>>> kg.instrument_iri("eu-jp-mla")
rdflib.term.URIRef('https://w3id.org/mla-kg/id/instrument/eu-jp-mla')
>>> kg.query("ASK { ?i a mla:Instrument }").ask
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mla_kg import compare as comparison
from mla_kg import paths
from mla_kg.compare import DEFAULT_INSTRUMENTS, Comparison, InstrumentDiff, ModelProfile, Outline
from mla_kg.errors import LoadError
from mla_kg.graph.embedded import open_engine
from mla_kg.graph.store import Engine, Store

if TYPE_CHECKING:  # the planning views load on first use: `mla-kg compare` never needs them
    from mla_kg.drafting import DraftRequest, RequestCheck, RequestDescription
    from mla_kg.planning.checklist import Offence, RequestChecklist
    from mla_kg.planning.legal_basis import LegalBases


class KnowledgeGraph(Store):
    """The mla-kg knowledge graph: bundled ontology and data, plus any files of your own.

    :param backend: ``"oxigraph"`` (embedded, default) or ``"rdflib"`` (pure Python), or an
        :class:`~mla_kg.graph.store.Engine` of your own.
    :param extra_files: RDF files to load as well (Turtle, N-Triples, RDF/XML, JSON-LD).
    :param include_bundled: whether to load the bundled ``ontology/`` (with the shapes) and
        ``data/``.
    :param keep_answers: keep query answers over exactly these files in the user's cache
        folder and answer later runs from there, loading the files only for a question not
        answered before (:mod:`mla_kg.graph.kept`; ``mla-kg`` does this unless given
        ``--no-cache``). A load error then shows at the first such question.
    :raises LoadError: naming the file, line and cause when a file cannot be read; nothing
        is loaded then.

    >>> kg = KnowledgeGraph()
    >>> len(kg) > 1000
    True
    """

    def __init__(
        self,
        backend: str | Engine = "oxigraph",
        extra_files: Iterable[str | Path] = (),
        include_bundled: bool = True,
        *,
        keep_answers: bool = False,
    ) -> None:
        engine = open_engine(backend) if isinstance(backend, str) else backend
        files: list[Path] = []
        if include_bundled:
            if not paths.ONTOLOGY_DIR.is_dir():
                raise LoadError(paths.ONTOLOGY_DIR, None, "the bundled ontology folder is missing")
            files += paths.ontology_files() + paths.data_files()
        super().__init__(
            engine, [*files, *(Path(file) for file in extra_files)], keep_answers=keep_answers
        )

    @classmethod
    def remote(
        cls, endpoint_url: str, graph: str | None = None, timeout: float = 60.0
    ) -> KnowledgeGraph:
        """Return the knowledge graph held by a SPARQL 1.1 endpoint (read-only).

        :param endpoint_url: the query URL, e.g. ``http://127.0.0.1:7878/query``.
        :param graph: the named graph holding the data (``mla-kg push --graph``), sent as
            ``default-graph-uri``; ``None`` queries the endpoint's default dataset.
        :param timeout: seconds to wait for each answer before :class:`QueryTimeout`.
        """
        # SPARQLWrapper loads only for a remote graph: every local command starts faster.
        from mla_kg.graph.remote import RemoteBackend

        return cls(RemoteBackend(endpoint_url, graph, timeout), include_bundled=False)

    def compare(
        self,
        instruments: Sequence[str] = DEFAULT_INSTRUMENTS,
        features: Sequence[str] | None = None,
        groups: Sequence[str] | None = None,
    ) -> Comparison:
        """Compare instruments feature by feature; see :func:`mla_kg.compare.compare`."""
        return comparison.compare(self, instruments, features=features, groups=groups)

    def diff(self, a: str, b: str) -> InstrumentDiff:
        """Return the features only one of two instruments has; see :func:`mla_kg.compare.diff`."""
        return comparison.diff(self, a, b)

    def outline(self, instrument: str) -> Outline:
        """Return an instrument's subdivisions in order; see :func:`mla_kg.compare.outline`."""
        return comparison.outline(self, instrument)

    def model_profile(self, instrument: str) -> ModelProfile:
        """Score improved vs traditional cooperation; see :func:`mla_kg.compare.model_profile`."""
        return comparison.model_profile(self, instrument)

    # Planning views (mla_kg.legal_basis, mla_kg.checklist).

    def legal_bases(self, requesting: str, requested: str, on: str | None = None) -> LegalBases:
        """Return the legal bases usable on a date; see :func:`mla_kg.legal_basis.legal_bases`."""
        # The planning modules load when first asked for: `import mla_kg` stays light.
        from mla_kg.planning import legal_basis

        return legal_basis.legal_bases(self, requesting, requested, on=on)

    def request_checklist(
        self,
        requesting: str,
        requested: str,
        measures: Sequence[str] = (),
        offence: Offence | None = None,
        on: str | None = None,
    ) -> RequestChecklist:
        """Return a request checklist per basis; see :func:`mla_kg.checklist.request_checklist`."""
        from mla_kg.planning import checklist

        return checklist.request_checklist(self, requesting, requested, measures, offence, on=on)

    # Drafting (mla_kg.drafting), loaded when first asked for.

    def check_request(
        self, description: RequestDescription | str | Path, basis: str | None = None
    ) -> RequestCheck:
        """Check a request description (or a YAML file) against its legal basis.

        See :func:`mla_kg.drafting.check.check_request`.
        """
        from mla_kg.drafting import RequestDescription, check_request

        if not isinstance(description, RequestDescription):
            description = RequestDescription.from_file(description)
        return check_request(self, description, basis=basis)

    def draft_request(
        self, description: RequestDescription | str | Path, basis: str | None = None
    ) -> DraftRequest:
        """Return the draft request for a description (or a YAML file).

        Render it with :func:`mla_kg.drafting.to_markdown` or :func:`mla_kg.drafting.to_docx`;
        see :func:`mla_kg.drafting.document.build_draft`.
        """
        from mla_kg.drafting import build_draft

        return build_draft(self.check_request(description, basis=basis))


__all__ = ["KnowledgeGraph"]
