"""Shared fixtures: the graph on each backend, the research folder, running the CLI.

The research inputs live in ``../shared`` next to the repository; a user's clone has none, so
tests that need them skip. When ``MLA_KG_REQUIRE_SHARED=1`` (``.ci/run`` sets it whenever
``../shared`` exists) such a skip is a failure instead: a test must not quietly stop checking
the data against its research input.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from mla_kg import KnowledgeGraph

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REQUIRE_SHARED = os.environ.get("MLA_KG_REQUIRE_SHARED") == "1"
#: Words that mark a skip as "the research folder is missing" (see pytest_runtest_makereport).
SHARED_SKIP_MARK = "../shared"
# No test reads a result another run kept (``mla-kg validate`` caches its results in the
# user's cache folder): every test runs pySHACL itself. tests/test_validation_cache.py turns
# the cache on in a folder of its own.
os.environ["MLA_KG_CACHE_DIR"] = ""


def _missing_shared(what: Path) -> None:
    """Skip (or, when the research folder is required, fail) for a missing shared path."""
    reason = f"{SHARED_SKIP_MARK} research input not found: {what}"
    if REQUIRE_SHARED:
        pytest.fail(f"{reason} (MLA_KG_REQUIRE_SHARED=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Return ``../shared``; skip the test where it is missing (fail if it is required)."""
    if not SHARED.is_dir():
        _missing_shared(SHARED)
    return SHARED


@pytest.fixture(scope="session")
def shared_path(shared_dir: Path) -> Callable[[str], Path]:
    """Return a function giving a path inside ``../shared`` that must exist.

    ``shared_path("research/features.yaml")`` skips (or fails) where that file is missing.
    """

    def resolve(relative: str) -> Path:
        path = shared_dir / relative
        if not path.exists():
            _missing_shared(path)
        return path

    return resolve


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn a skip for a missing ``../shared`` into a failure when it is required.

    This also catches tests that skip on their own (not through ``shared_dir``), as long as
    their reason mentions ``../shared``, as the team rules ask.
    """
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SHARED and report.skipped and SHARED_SKIP_MARK in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"skipped although MLA_KG_REQUIRE_SHARED=1: {report.longrepr}"


_GRAPHS: dict[str, KnowledgeGraph] = {}


def _graph(backend: str) -> KnowledgeGraph:
    """Return the bundled graph on a backend, loaded once per test session."""
    if backend not in _GRAPHS:
        _GRAPHS[backend] = KnowledgeGraph(backend=backend)
    return _GRAPHS[backend]


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """Return the bundled graph on the default backend (pyoxigraph). Do not modify it."""
    return _graph("oxigraph")


@pytest.fixture(scope="session")
def rdflib_kg() -> KnowledgeGraph:
    """Return the bundled graph on the rdflib backend. Do not modify it."""
    return _graph("rdflib")


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def any_kg(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """Return the bundled graph on each backend in turn. Do not modify it."""
    return _graph(request.param)


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Return a function running ``mla-kg ARGS...`` in a subprocess; output is text.

    It runs ``python -m mla_kg.cli`` with this interpreter, from the repository root unless
    ``cwd`` is given, and never raises on a non-zero exit (tests assert the exit code).
    """

    def run(
        *args: str, cwd: Path | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mla_kg.cli", *map(str, args)],
            cwd=cwd or REPO,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )

    return run


@pytest.fixture(scope="session")
def import_file() -> Callable[[Path], ModuleType]:
    """Return a function importing a Python file that is not part of the package (scripts/, bench/).

    The module is registered in ``sys.modules`` under the file's stem, as dataclasses need.
    """

    def load(path: Path) -> ModuleType:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None, f"cannot import {path}"
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        return module

    return load
