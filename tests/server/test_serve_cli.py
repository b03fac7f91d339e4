"""``mla-kg serve`` refuses bad input before it starts.

Invalid data, broken named graphs, an address it cannot listen on, a missing server package:
one line (or the report), never a traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

INVALID = """@prefix mla: <https://w3id.org/mla-kg/ontology#> .
<https://w3id.org/mla-kg/id/instrument/eu-jp-mla/art/999> a mla:Article, mla:Subdivision .
"""


@pytest.mark.slow
def test_data_file_with_violations_is_refused_with_the_report(run_cli, tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(INVALID, encoding="utf-8")
    result = run_cli("serve", "--port", "9", "--data", str(bad), timeout=900)
    assert result.returncode == 1, result.stderr
    assert "does not conform" in result.stderr
    assert "eu-jp-mla/art/999" in result.stderr
    assert "Violation" in result.stderr
    assert "Uvicorn running" not in result.stderr + result.stdout


def test_graph_option_needs_iri_and_file(run_cli, tmp_path: Path):
    result = run_cli("serve", "--graph", "not-an-iri")
    assert result.returncode == 2
    assert "IRI=FILE" in result.stderr


def test_broken_named_graph_file_stops_the_start(run_cli, tmp_path: Path):
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n", encoding="utf-8")
    result = run_cli("serve", "--port", "9", "--graph", f"http://example.org/g={broken}")
    assert result.returncode == 2
    assert "broken.nt" in result.stderr
    assert "Traceback" not in result.stderr


def _one_line_error(result) -> str:
    """Return the one line a command that stopped on bad input wrote (and check it is one)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_port_in_use_is_one_line_and_exit_2(run_cli):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--workers", "1", timeout=300)
    assert result.returncode == 2, result.stderr
    line = _one_line_error(result)
    assert f"port {port} is already in use on 127.0.0.1" in line
    assert "--port" in line
    assert "Uvicorn" not in result.stderr + result.stdout


def test_host_that_is_not_this_machine_is_one_line(run_cli):
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    result = run_cli("serve", "--host", "192.0.2.1", "--port", "8000", "--workers", "1")
    assert result.returncode == 2, result.stderr
    assert "not one of this machine's" in _one_line_error(result)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may listen on ports below 1024")
def test_privileged_port_is_one_line(run_cli):
    result = run_cli("serve", "--port", "9", "--workers", "1")
    assert result.returncode == 2, result.stderr
    assert "below 1024" in _one_line_error(result)


@pytest.mark.parametrize("module", ["uvicorn", "starlette"])
def test_missing_server_package_names_the_extra(module: str):
    # The package is made unimportable in this process only (None in sys.modules).
    script = (
        f"import sys; sys.modules[{module!r}] = None; sys.argv = ['mla-kg', 'serve']; "
        "from mla_kg.cli import app; app()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2, result.stderr
    line = _one_line_error(result)
    assert f"mla-kg serve needs {module}" in line
    assert "pip install 'mla-kg[server]'" in line
