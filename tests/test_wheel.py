"""The wheel works on its own: built, installed into a fresh venv, run outside the checkout.

Slow (it builds the wheel and installs it with its dependencies), but it runs in CI too: it is
the only test that proves ``pip install .`` gives a working ``mla-kg`` with the ontology, data
and queries inside the package.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph, paths

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
THREE = ["eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
# Building and installing can be slow on a busy machine; bound them all the same.
INSTALL_TIMEOUT = 1800


@dataclass
class Installed:
    """A wheel installed into a venv of its own, and a folder outside the checkout to run in."""

    wheel: Path
    venv: Path
    outside: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a program of the venv's ``bin/`` from the outside folder."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
        }
        env["PYTHONIOENCODING"] = "utf-8"
        return subprocess.run(
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=self.outside,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=600,
            env=env,
        )


def _check(command: list[str], cwd: Path) -> None:
    """Run a set-up command; fail the tests with its output if it fails."""
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from the checkout and install it into a new venv."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    _check([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], root)
    wheels = sorted(dist.glob("mla_kg-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    _check([sys.executable, "-m", "venv", str(venv)], root)
    _check([str(venv / "bin" / "python"), "-m", "pip", "install", str(wheels[0])], root)
    outside = root / "elsewhere"
    outside.mkdir()
    return Installed(wheels[0], venv, outside)


def test_wheel_carries_ontology_data_and_queries(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = set()
    drafting = paths.ROOT / "research" / "drafting"
    for folder in (paths.ONTOLOGY_DIR, paths.DATA_DIR, paths.QUERIES_DIR, drafting):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                expected.add(f"mla_kg/_bundled/{path.relative_to(paths.ROOT).as_posix()}")
    assert len(expected) > 20
    assert expected <= names, sorted(expected - names)
    assert not any(name.startswith("tests/") for name in names)


def test_installed_package_reads_its_own_copy(installed: Installed) -> None:
    script = (
        "import json, mla_kg, mla_kg.paths as p; "
        "print(json.dumps([mla_kg.__file__, str(p.ROOT), p.IS_CHECKOUT]))"
    )
    result = installed.run("python", "-c", script)
    assert result.returncode == 0, result.stderr
    module, root, is_checkout = json.loads(result.stdout)
    assert Path(module).is_relative_to(installed.venv)
    assert Path(root) == Path(module).parent / "_bundled"
    assert is_checkout is False


def test_stats_from_the_wheel(installed: Installed, kg: KnowledgeGraph) -> None:
    table = installed.run("mla-kg", "stats")
    assert table.returncode == 0, table.stderr
    for title in ("EU-Japan MLA Agreement", "EU-US MLA Agreement", "Japan-US MLAT"):
        assert title in table.stdout
    result = installed.run("mla-kg", "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["triples"] > 8000
    assert figures["triples"] == len(kg), "the wheel holds other data than the checkout"
    by_id = {entry["id"]: entry for entry in figures["instruments"]}
    assert set(THREE) <= set(by_id)
    assert all(by_id[i]["total_subdivisions"] > 20 for i in THREE)


def test_compare_from_the_wheel(installed: Installed, kg: KnowledgeGraph) -> None:
    result = installed.run("mla-kg", "compare", *THREE, "--format", "json")
    assert result.returncode == 0, result.stderr
    matrix = json.loads(result.stdout)
    assert matrix["instruments"] == THREE
    rows = {row["id"]: row for row in matrix["features"]}
    assert set(rows) == set(kg.features())
    video = rows["videoconference-hearing"]["cells"]
    assert (video["eu-jp-mla"]["status"], video["jp-us-mlat"]["status"]) == ("present", "absent")


def test_named_query_from_the_wheel(installed: Installed) -> None:
    result = installed.run(
        "mla-kg",
        "query",
        "count_subdivisions_by_status",
        "-p",
        "instrument=jp-us-mlat",
        "-f",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "instrument,instrumentId,status,subdivisions"
    assert len(lines) > 1 and all(",jp-us-mlat," in line for line in lines[1:])


def test_errors_from_the_wheel_are_messages_not_tracebacks(installed: Installed) -> None:
    result = installed.run("mla-kg", "compare", "eu-jp-mla", "nope")
    assert result.returncode == 2
    assert "nope" in result.stderr and "eu-jp-mla" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, accept: str = "*/*") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[str]:
    """Start ``mla-kg serve`` from the wheel installed without extras; yield its base URL."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    command = [str(installed.venv / "bin" / "mla-kg"), "serve", "--port", str(port)]
    # The log goes to a file: a pipe nobody reads would fill and stop the server.
    log_path = installed.venv.parent / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*command, "--workers", "1", "--no-access-log"],
        cwd=installed.outside,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if server.poll() is not None:
                log.flush()
                ended = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                pytest.fail(f"mla-kg serve ended ({server.returncode}): {ended}")
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("mla-kg serve from the wheel did not answer /health in 300 s")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_plain_install_has_the_server_packages(installed: Installed) -> None:
    # No extras were installed: the server's packages came with the plain install.
    script = "import starlette, uvicorn, jinja2, markupsafe, mimeparse, httpx; print('ok')"
    result = installed.run("python", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_plain_install_serves_health(served: str) -> None:
    status, _, body = _get(served + "/health")
    assert status == 200, body


def test_plain_install_serves_the_comparison_download(served: str, installed: Installed) -> None:
    status, content_type, body = _get(served + "/compare?i=eu-jp-mla&i=eu-us-mla&format=csv")
    assert status == 200, body[:500]
    assert content_type.startswith("text/csv"), content_type
    # The download is byte for byte what the command line writes.
    cli = installed.run("mla-kg", "compare", "eu-jp-mla", "eu-us-mla", "-f", "csv")
    assert cli.returncode == 0, cli.stderr
    assert body.decode("utf-8") == cli.stdout


def test_plain_install_answers_a_browser_at_sparql(served: str) -> None:
    status, content_type, body = _get(served + "/sparql", accept="text/html")
    assert status == 200, body[:500]
    assert content_type.startswith("text/html"), content_type
    # The service described in words, with a way to the query page.
    assert b"<html" in body.lower() and b'href="/' in body


def test_missing_plot_extra_is_one_line(installed: Installed) -> None:
    has_matplotlib = installed.run("python", "-c", "import matplotlib")
    if has_matplotlib.returncode == 0:
        pytest.skip("matplotlib is installed in the fresh venv (a dependency pulled it in)")
    out = installed.outside / "lineage.png"
    result = installed.run("mla-kg", "network", "lineage", "-f", "png", "-o", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "mla-kg[plot]" in lines[0], result.stderr
    assert not out.exists() and list(installed.outside.iterdir()) == []


def test_plain_install_opens_the_request_form_with_the_example(served: str) -> None:
    # docs/request-example.yaml ships in the wheel: the form opens prefilled, with its check.
    status, content_type, body = _get(served + "/request", accept="text/html")
    assert status == 200, body[:500]
    assert content_type.startswith("text/html"), content_type
    page = body.decode("utf-8")
    assert "Public Prosecutor&#39;s Office, Brussels" in page or (
        "Public Prosecutor's Office, Brussels" in page
    )
    assert "bank-information" in page
