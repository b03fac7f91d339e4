"""The shell examples of docs/planning.md print what the page shows (tools/doc_examples.py)."""

from __future__ import annotations

import subprocess
import sys

from mla_kg.paths import ROOT

DOC = ROOT / "docs" / "planning.md"


def test_planning_examples_print_what_they_show() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "doc_examples.py"), "--check", str(DOC)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (
        done.stdout
        + done.stderr
        + ("\nrun `python tools/doc_examples.py docs/planning.md` to show the real output")
    )


def test_the_check_fails_on_a_stale_example(tmp_path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ mla-kg basis GB XX --on 2024-06-01\nall fine\n```\n(exit 0)\n",
        encoding="utf-8",
    )
    command = [sys.executable, str(ROOT / "tools" / "doc_examples.py")]
    stale = subprocess.run([*command, "--check", str(page)], capture_output=True, text=True)
    assert stale.returncode == 1 and "basis GB XX" in stale.stdout
    subprocess.run([*command, str(page)], check=True, capture_output=True)
    fixed = page.read_text(encoding="utf-8")
    assert "unknown State 'XX'" in fixed and fixed.endswith("(exit 2)\n")
    assert subprocess.run([*command, "--check", str(page)], capture_output=True).returncode == 0
