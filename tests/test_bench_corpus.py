"""The benchmark corpus is data mla-kg accepts: what bench/ measures is what users could load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from mla_kg import KnowledgeGraph
from mla_kg.validate import validate

CORPUS = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"


def test_a_synthetic_instrument_conforms_to_the_shapes_and_checks(
    tmp_path: Path, import_file: Callable[[Path], ModuleType]
) -> None:
    # `mla-kg serve --data` and `KnowledgeGraph.load` refuse data that breaks a shape; a corpus
    # that broke one would benchmark a load no user can do.
    path = tmp_path / "corpus.nt"
    total, instruments = import_file(CORPUS).write_corpus(1, path)
    assert instruments == 1
    report = validate([path])
    assert report.conforms, "\n".join(
        f"{r.focus} {r.path}: {r.message}" for r in report.violations[:10]
    )
    assert total == len(KnowledgeGraph(extra_files=[path]))


def test_a_synthetic_instrument_compares_like_a_real_one(
    tmp_path: Path, import_file: Callable[[Path], ModuleType]
) -> None:
    path = tmp_path / "corpus.nt"
    import_file(CORPUS).write_corpus(1, path)
    kg = KnowledgeGraph(extra_files=[path])
    comparison = kg.compare(["syn-00001", "eu-jp-mla"])
    cells = [row.cells["syn-00001"] for row in comparison]
    # Synthetic provisions carry real features, and the generator writes four absences.
    assert {"present", "unknown"} <= {cell.status for cell in cells}
    assert sum(len(cell.absences) for cell in cells) == 4
