"""Answers kept between runs (mla_kg/graph/kept.py): equal to fresh ones, never stale, never fatal.

Every test turns the cache on in a folder of its own (tests/conftest.py turns it off for the
rest of the suite) and runs the real engines over real files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mla_kg import KnowledgeGraph, LoadError, paths
from mla_kg.cli import app
from mla_kg.compare.render import comparison_download
from mla_kg.graph import kept
from mla_kg.graph.embedded import OxigraphEngine, RdflibEngine
from mla_kg.graph.kept import MAX_ROWS
from mla_kg.graph.store import Store

THREE = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
OTHERS = ["coe-mla-1959", "eu-mla-conv-2000", "untoc-2000", "jp-kr-mlat"]
FORMATS = ("csv", "json", "md", "html", "latex")
EX = "http://example.org/mla-kg-test/"
ONE_VALUE = "SELECT ?o WHERE { <" + EX + "s> <" + EX + "p> ?o }"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Turn the cache on in a folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MLA_KG_CACHE_DIR", str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "answers").glob("*.json"))


def _one_triple(path: Path, value: str) -> Path:
    path.write_text(f'<{EX}s> <{EX}p> "{value}" .\n', encoding="utf-8")
    return path


def _value(store: Store) -> str:
    return str(store.query(ONE_VALUE).rows[0]["o"])


def _downloads(kg: KnowledgeGraph, instruments: list[str]) -> dict[str, bytes]:
    comparison = kg.compare(instruments)
    return {f: comparison_download(comparison, f)[0] for f in FORMATS}


@pytest.mark.parametrize("instruments", [THREE, OTHERS])
def test_a_later_run_answers_from_kept_answers_without_loading(
    cache: Path, instruments: list[str]
) -> None:
    fresh = _downloads(KnowledgeGraph(), instruments)
    first = _downloads(KnowledgeGraph(keep_answers=True), instruments)
    engine = OxigraphEngine()
    later = KnowledgeGraph(engine, keep_answers=True)
    again = _downloads(later, instruments)
    assert len(engine.store) == 0, "the later run loaded the files it had kept answers for"
    assert again == first == fresh
    assert len(_entries(cache)) == 1
    # A question not asked before loads the files, then answers as a fresh graph does.
    assert later.outline("eu-jp-mla").to_json() == KnowledgeGraph().outline("eu-jp-mla").to_json()
    assert len(engine.store) == len(KnowledgeGraph())


def test_the_rdflib_engine_keeps_its_own_answers(cache: Path) -> None:
    oxigraph = _downloads(KnowledgeGraph(keep_answers=True), THREE)
    engine = RdflibEngine()
    first = _downloads(KnowledgeGraph(engine, keep_answers=True), THREE)
    assert len(engine) > 0 and len(_entries(cache)) == 2  # one entry per engine
    later = RdflibEngine()
    assert _downloads(KnowledgeGraph(later, keep_answers=True), THREE) == first
    assert len(later) == 0
    assert first["json"] == oxigraph["json"]


def test_a_changed_byte_in_a_file_reads_another_entry(cache: Path, tmp_path: Path) -> None:
    data = _one_triple(tmp_path / "data.ttl", "one")
    assert _value(Store(OxigraphEngine(), [data], keep_answers=True)) == "one"
    _one_triple(data, "two")  # same size: the key is the bytes, not the size or the name
    assert _value(Store(OxigraphEngine(), [data], keep_answers=True)) == "two"
    assert len(_entries(cache)) == 2
    _one_triple(data, "one")
    engine = OxigraphEngine()
    assert _value(Store(engine, [data], keep_answers=True)) == "one"
    assert len(engine.store) == 0  # the first entry again, answered without loading


def test_an_added_file_reads_another_entry(cache: Path, tmp_path: Path) -> None:
    data = _one_triple(tmp_path / "data.ttl", "one")
    assert len(Store(OxigraphEngine(), [data], keep_answers=True).query(ONE_VALUE).rows) == 1
    more = _one_triple(tmp_path / "more.ttl", "more")
    both = Store(OxigraphEngine(), [data, more], keep_answers=True)
    assert sorted(str(row["o"]) for row in both.query(ONE_VALUE).rows) == ["more", "one"]


@pytest.mark.parametrize(
    "garbage",
    [
        "{not json",
        "[]",
        '{"format": 1, "answers": []}',
        "",
    ],
)
def test_a_corrupt_entry_is_rebuilt_not_fatal(cache: Path, tmp_path: Path, garbage: str) -> None:
    data = _one_triple(tmp_path / "data.ttl", "one")
    _value(Store(OxigraphEngine(), [data], keep_answers=True))
    (entry,) = _entries(cache)
    entry.write_text(garbage, encoding="utf-8")
    engine = OxigraphEngine()
    assert _value(Store(engine, [data], keep_answers=True)) == "one"
    assert len(engine.store) == 1  # nothing usable was kept: the file was loaded
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == 1  # rewritten
    later = OxigraphEngine()
    assert _value(Store(later, [data], keep_answers=True)) == "one"
    assert len(later.store) == 0


def test_a_malformed_answer_is_asked_again(cache: Path, tmp_path: Path) -> None:
    data = _one_triple(tmp_path / "data.ttl", "one")
    _value(Store(OxigraphEngine(), [data], keep_answers=True))
    (entry,) = _entries(cache)
    content = json.loads(entry.read_text(encoding="utf-8"))
    for answer in content["answers"].values():
        answer["rows"] = [[0, 1, 2]]  # a row wider than the variables
    entry.write_text(json.dumps(content), encoding="utf-8")
    engine = OxigraphEngine()
    assert _value(Store(engine, [data], keep_answers=True)) == "one"
    assert len(engine.store) == 1


def test_cache_off_by_environment_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLA_KG_CACHE_DIR", "")
    data = _one_triple(tmp_path / "data.ttl", "one")
    engine = OxigraphEngine()
    store = Store(engine, [data], keep_answers=True)
    assert len(engine.store) == 1  # loaded at once, as without keep_answers
    assert _value(store) == "one"
    assert not list(tmp_path.rglob("*.json"))


def test_without_keep_answers_nothing_is_read_or_written(cache: Path) -> None:
    KnowledgeGraph(keep_answers=True).compare(THREE)
    engine = OxigraphEngine()
    KnowledgeGraph(engine).compare(THREE)
    assert len(engine.store) > 0
    assert len(_entries(cache)) == 1


def test_cli_no_cache_neither_reads_nor_writes(cache: Path) -> None:
    runner = CliRunner()
    args = ["compare", *THREE, "-f", "json"]
    bypassed = runner.invoke(app, ["--no-cache", *args])
    assert bypassed.exit_code == 0, bypassed.output
    assert not cache.exists()
    kept = runner.invoke(app, args)
    assert kept.exit_code == 0 and len(_entries(cache)) == 1
    again = runner.invoke(app, args)
    assert again.stdout == kept.stdout == bypassed.stdout
    table = ["compare", *OTHERS]  # the rich table, from kept answers and afresh
    assert runner.invoke(app, table).stdout == runner.invoke(app, table).stdout
    assert runner.invoke(app, table).stdout == runner.invoke(app, ["--no-cache", *table]).stdout
    # A kept answer that says something else would show: --no-cache must not read it.
    (entry,) = _entries(cache)
    content = json.loads(entry.read_text(encoding="utf-8"))
    for answer in content["answers"].values():
        answer["terms"] = [["l", "tampered", None, None] for _ in answer.get("terms", [])]
    entry.write_text(json.dumps(content), encoding="utf-8")
    tampered = runner.invoke(app, args)  # proves that the kept answers are what is read
    assert "tampered" in tampered.output + str(tampered.exception)
    assert runner.invoke(app, ["--no-cache", *args]).stdout == bypassed.stdout


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?o (NOW() AS ?t) WHERE {{ <{EX}s> <{EX}p> ?o }}",
        f"SELECT ?o (STRUUID() AS ?u) WHERE {{ <{EX}s> <{EX}p> ?o }}",
        f"SELECT ?o (RAND() AS ?r) WHERE {{ <{EX}s> <{EX}p> ?o }}",
        f"SELECT ?o ?b WHERE {{ <{EX}s> <{EX}p> ?o BIND(BNODE() AS ?b) }}",
        f"SELECT ?x WHERE {{ <{EX}s> <{EX}q> ?x }}",  # its answer is a blank node
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_answers_that_may_differ_between_runs_are_not_kept(
    cache: Path, tmp_path: Path, query: str
) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(f'<{EX}s> <{EX}p> "one" ; <{EX}q> [] .\n', encoding="utf-8")
    Store(OxigraphEngine(), [data], keep_answers=True).query(query)
    assert not _entries(cache)


def test_large_answers_are_not_kept(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(
        "".join(f'<{EX}s> <{EX}p> "{n}" .\n' for n in range(MAX_ROWS + 1)), encoding="utf-8"
    )
    assert len(Store(OxigraphEngine(), [data], keep_answers=True).query(ONE_VALUE)) > MAX_ROWS
    assert not _entries(cache)


def test_kept_answers_stop_once_more_files_are_loaded(cache: Path, tmp_path: Path) -> None:
    data = _one_triple(tmp_path / "data.ttl", "one")
    _value(Store(OxigraphEngine(), [data], keep_answers=True))
    store = Store(OxigraphEngine(), [data], keep_answers=True)
    store.load([_one_triple(tmp_path / "more.ttl", "more")])
    assert sorted(str(row["o"]) for row in store.query(ONE_VALUE).rows) == ["more", "one"]


def test_a_broken_file_raises_at_the_first_unanswered_question(cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(f"<{EX}s> <{EX}p> .\n", encoding="utf-8")
    store = Store(OxigraphEngine(), [broken], keep_answers=True)
    with pytest.raises(LoadError, match=r"broken\.ttl"):
        store.query(ONE_VALUE)
    with pytest.raises(LoadError):
        Store(OxigraphEngine(), [broken])
    assert not _entries(cache)


def test_an_unwritable_cache_folder_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MLA_KG_CACHE_DIR", str(blocker))
    data = _one_triple(tmp_path / "data.ttl", "one")
    assert _value(Store(OxigraphEngine(), [data], keep_answers=True)) == "one"
    assert _value(Store(OxigraphEngine(), [data], keep_answers=True)) == "one"


def test_the_bundled_files_are_the_key(cache: Path) -> None:
    """The CLI's graph keeps answers over exactly the bundled ontology and data files."""
    kg = KnowledgeGraph(keep_answers=True)
    assert kg.files == paths.ontology_files() + paths.data_files()
    kg.instruments()
    assert len(_entries(cache)) == 1


def test_concurrent_runs_write_whole_entries(cache: Path) -> None:
    """Processes started together each read a whole entry or none, and answer the same."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "MLA_KG_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "mla_kg", "compare", *THREE, "-f", "json"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _, err in outputs]
    fresh = subprocess.run(
        [*command[:3], "--no-cache", *command[3:]],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    assert {out for out, _ in outputs} == {fresh}
    (entry,) = _entries(cache)
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == 1
    assert not list((cache / "answers").glob(".tmp-*"))


def test_global_no_cache_also_runs_validation_afresh(cache: Path) -> None:
    runner = CliRunner()
    fixture = sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl"))[0]
    args = ["validate", "--standalone", "-f", "json", str(fixture)]
    first = runner.invoke(app, args)
    assert first.exit_code == 1 and "reused from the cache" not in first.output
    assert "reused from the cache" in runner.invoke(app, args).output
    afresh = runner.invoke(app, ["--no-cache", *args])
    assert afresh.exit_code == 1 and "reused from the cache" not in afresh.output
    assert json.loads(afresh.stdout) == json.loads(first.stdout)


def test_an_entry_stops_growing_at_its_row_bound(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept, "MAX_ENTRY_ROWS", 3)
    data = tmp_path / "data.ttl"
    data.write_text("".join(f'<{EX}s> <{EX}p> "{n}" .\n' for n in range(2)), encoding="utf-8")
    store = Store(OxigraphEngine(), [data], keep_answers=True)
    assert len(store.query(ONE_VALUE)) == 2  # kept: 2 rows
    ordered = ONE_VALUE + " ORDER BY ?o"
    assert len(store.query(ordered)) == 2  # not kept: 4 rows over the bound
    (entry,) = _entries(cache)
    assert len(json.loads(entry.read_text(encoding="utf-8"))["answers"]) == 1
    assert [str(row["o"]) for row in store.query(ordered)] == ["0", "1"]
