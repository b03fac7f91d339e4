"""The dataset a server answers from: built once, written to one N-Quads file the workers load.

The default graph holds what :class:`~mla_kg.KnowledgeGraph` loads (the bundled ontology and
data, plus the ``--data`` files); named graphs hold further files under IRIs of their own. Every
query worker loads the N-Quads file into a store in its own memory: pyoxigraph answers the
comparison query five times faster from memory than from a read-only on-disk store (1.2 s
against 0.24 s at 100k triples), at the cost of one copy of the data per worker and a load when
a worker is replaced (about 4 s at 1M triples). The dumps are written beside it, and an on-disk
store of the same quads (``store/``), which the serving process opens read-only for the
lookups it answers itself (:mod:`mla_kg.server.lookups`): pages of it are read from the file
as needed, so the data is not copied into that process's memory.

:func:`build_in_child` runs the build in a short-lived process: parsing a million triples
takes about a gigabyte that Python's allocator never gives back, and the serving process lives
for as long as the server does.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mla_kg.errors import LoadError, MlaKgError
from mla_kg.graph.embedded import OxigraphEngine
from mla_kg.knowledge_graph import KnowledgeGraph
from mla_kg.namespaces import PREFIXES

#: Dump files: name served at ``/dump.<ext>``, with media type and pyoxigraph format.
DUMPS: dict[str, tuple[str, ox.RdfFormat]] = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


@dataclass(frozen=True)
class Dataset:
    """A dataset written to disk for the query workers.

    :ivar quads_path: every graph of the dataset as N-Quads, for the workers to load.
    :ivar triples: the number of triples in the default graph.
    :ivar named_graphs: triples per named graph IRI.
    :ivar dumps: dump files of the default graph, by extension (``ttl``, ``nt``, ``jsonld``).
    :ivar data_files: the extra files loaded into the default graph.
    :ivar include_bundled: whether the bundled ontology and data are in the default graph.
    :ivar store_path: the same quads in an on-disk store, for read-only use (``None``: none).
    """

    quads_path: Path
    triples: int
    named_graphs: dict[str, int] = field(default_factory=dict)
    dumps: dict[str, Path] = field(default_factory=dict)
    data_files: tuple[Path, ...] = ()
    include_bundled: bool = True
    store_path: Path | None = None


def _rdf_format(path: Path) -> ox.RdfFormat:
    """Return the pyoxigraph format of a file by its extension.

    :raises LoadError: if the extension names no RDF syntax.
    """
    rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if rdf_format is None:
        raise LoadError(path, None, "unknown RDF file type; use .ttl, .nt, .nq, .trig, .rdf")
    return rdf_format


def check_readable(path: Path) -> None:
    """Parse an RDF file once, so that a broken named-graph file stops the server before it starts.

    :raises LoadError: naming the file, line and cause.
    """
    try:
        for _ in ox.parse(path=str(path), format=_rdf_format(path)):
            pass
    except (SyntaxError, OSError) as error:
        raise LoadError(path, getattr(error, "lineno", None), str(error)) from error


def build_dataset(
    directory: Path,
    data_files: Iterable[Path] = (),
    named_graphs: Mapping[str, Path] | None = None,
    include_bundled: bool = True,
) -> Dataset:
    """Write the store and the dumps into ``directory`` (which must be empty or missing).

    :param directory: where to write; the caller removes it when the server stops.
    :param data_files: extra RDF files for the default graph (already validated).
    :param named_graphs: files to load into named graphs, by graph IRI.
    :param include_bundled: whether to load the bundled ontology and data.
    :raises LoadError: naming the file, line and cause of a file that cannot be read.
    """
    data_files = tuple(Path(file) for file in data_files)
    directory.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    _load_default_graph(store, directory, data_files, include_bundled)
    for iri, path in (named_graphs or {}).items():
        path = Path(path)
        try:
            store.load(path=str(path), format=_rdf_format(path), to_graph=ox.NamedNode(iri))
        except (SyntaxError, OSError) as error:
            raise LoadError(path, getattr(error, "lineno", None), str(error)) from error
    quads_path = directory / "dataset.nq"
    store.dump(str(quads_path), format=ox.RdfFormat.N_QUADS)
    dumps = {}
    for extension, (_, rdf_format) in DUMPS.items():
        dumps[extension] = directory / f"dump.{extension}"
        store.dump(
            str(dumps[extension]),
            format=rdf_format,
            from_graph=ox.DefaultGraph(),
            prefixes=PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None,
        )
    counts = {
        iri: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
        for iri in named_graphs or {}
    }
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    del store
    store_path = directory / "store"
    on_disk = ox.Store(str(store_path))
    on_disk.bulk_load(path=str(quads_path), format=ox.RdfFormat.N_QUADS)
    on_disk.flush()
    del on_disk
    return Dataset(
        quads_path=quads_path,
        triples=triples,
        named_graphs=counts,
        dumps=dumps,
        data_files=data_files,
        include_bundled=include_bundled,
        store_path=store_path,
    )


def _load_default_graph(
    store: ox.Store, directory: Path, data_files: tuple[Path, ...], include_bundled: bool
) -> None:
    """Load what :class:`KnowledgeGraph` loads into ``store``'s default graph.

    The graph is read as the library reads it (byte-order marks, blank-node renaming, base
    IRIs); its triples then go through a file, in Rust, rather than one N-Triples string in
    Python (a gigabyte at 2M triples).
    """
    graph = KnowledgeGraph(extra_files=data_files, include_bundled=include_bundled)
    engine = getattr(graph, "_backend", None)
    if not isinstance(engine, OxigraphEngine):  # another engine: through its serializer
        store.load(graph.serialize("nt"), format=ox.RdfFormat.N_TRIPLES)
        return
    triples_path = directory / "default-graph.nt"
    engine.store.dump(
        str(triples_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
    )
    del graph, engine
    store.load(path=str(triples_path), format=ox.RdfFormat.N_TRIPLES)
    triples_path.unlink()


def _build_main(connection: Connection, arguments: tuple[Any, ...]) -> None:
    """Build the dataset and send it back (the entry point of the build process).

    An error the library raises on purpose crosses as itself (its message and exit code kept);
    anything else as its traceback, for the operator.
    """
    try:
        connection.send(("built", build_dataset(*arguments)))
    except MlaKgError as error:
        connection.send(("error", error))
    except BaseException:  # the serving process must hear of every failure, not only ours
        connection.send(("crash", traceback.format_exc()))
    finally:
        connection.close()


class BuildFailed(RuntimeError):
    """The process building the dataset stopped without an answer, or failed unexpectedly."""


def build_in_child(
    directory: Path,
    data_files: Iterable[Path] = (),
    named_graphs: Mapping[str, Path] | None = None,
    include_bundled: bool = True,
) -> Dataset:
    """Run :func:`build_dataset` in a short-lived process and return its (small) result.

    The memory the build takes goes back to the system when that process ends, instead of
    staying with the serving process for its lifetime (2.3 GB at 2M triples, measured).

    :raises LoadError: (or another :class:`~mla_kg.errors.MlaKgError`) as the build raised it.
    :raises BuildFailed: when the build process failed otherwise or died.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    arguments = (directory, tuple(data_files), dict(named_graphs or {}), include_bundled)
    process = context.Process(
        target=_build_main, args=(sender, arguments), name="mla-kg-dataset-build"
    )
    process.start()
    sender.close()
    try:
        kind, detail = receiver.recv()
    except EOFError:
        process.join()
        raise BuildFailed(
            f"the process building the dataset stopped (exit code {process.exitcode})"
        ) from None
    finally:
        receiver.close()
    process.join()
    if kind == "error":
        raise detail
    if kind == "crash":
        raise BuildFailed(f"building the dataset failed:\n{detail}")
    dataset: Dataset = detail
    return dataset
