"""The validation result cache: a reused report equals a fresh one, says so, and is never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mla_kg.cli import app
from mla_kg.validate import cache_key, validate

FIXTURES = Path(__file__).parent / "shapes"
EX = "http://example.org/mla-kg-test/"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Turn the cache on in a folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("MLA_KG_CACHE_DIR", str(folder))
    return folder


def _invalid_fixture() -> Path:
    return sorted((FIXTURES / "invalid").glob("*.ttl"))[0]


def test_reused_report_equals_a_fresh_one(cache: Path) -> None:
    fixture = _invalid_fixture()
    fresh = validate([fixture], include_data=False)
    first = validate([fixture], include_data=False, cache=True)
    again = validate([fixture], include_data=False, cache=True)
    assert not first.from_cache and again.from_cache
    assert fresh.results and not fresh.conforms
    assert again.to_dict() == first.to_dict() == fresh.to_dict()
    assert len(list((cache / "validation").glob("*.json"))) == 1


def test_a_changed_file_is_validated_again(cache: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text(f'<{EX}a> <{EX}p> "1" .\n', encoding="utf-8")
    assert not validate([mine], include_data=False, cache=True).from_cache
    assert validate([mine], include_data=False, cache=True).from_cache
    # Same name, one more triple: a new key, so pySHACL runs again.
    mine.write_text(f'<{EX}a> <{EX}p> "1" .\n<{EX}b> <{EX}p> "2" .\n', encoding="utf-8")
    assert not validate([mine], include_data=False, cache=True).from_cache
    # With and without the bundled data are different questions.
    key_alone = cache_key([mine], [], include_data=False)
    assert key_alone != cache_key([mine], [], include_data=True)


def test_cli_says_when_it_reuses_and_no_cache_runs_again(cache: Path) -> None:
    fixture = str(_invalid_fixture())
    runner = CliRunner()
    args = ["validate", "--standalone", "--format", "json", fixture]
    first = runner.invoke(app, args)
    assert first.exit_code == 1 and "reused from the cache" not in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "note: results reused from the cache" in again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    rerun = runner.invoke(app, [*args[:1], "--no-cache", *args[1:]])
    assert rerun.exit_code == 1 and "reused from the cache" not in rerun.output
    assert json.loads(rerun.stdout) == json.loads(first.stdout)


def test_unwritable_cache_folder_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MLA_KG_CACHE_DIR", str(blocker))
    fixture = _invalid_fixture()
    report = validate([fixture], include_data=False, cache=True)
    assert not report.from_cache and not report.conforms
