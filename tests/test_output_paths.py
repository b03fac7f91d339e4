"""Every command with ``-o/--output`` refuses a path it cannot write: one line, exit 2.

The commands are enumerated from the Typer app, so a new command with ``-o`` is covered as soon
as it exists (the test fails until it has example arguments below).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from mla_kg import paths
from mla_kg.cli import app

# Arguments that make each command produce output (the -o option is added by the tests).
EXAMPLE_ARGS: dict[str, list[str]] = {
    "export": [],
    "compare": ["eu-jp-mla", "eu-us-mla"],
    "diff": ["eu-jp-mla", "eu-us-mla"],
    "outline": ["eu-jp-mla"],
    "profile": ["eu-jp-mla"],
    "basis": ["BE", "JP"],
    "plan": ["BE", "JP"],
    "network": ["lineage", "-f", "png"],
    "similar": ["eu-jp-mla"],
    "draft": [str(paths.ROOT / "docs" / "request-example.yaml")],
}

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _commands_with_output() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(
        name
        for name, command in group.commands.items()  # type: ignore[attr-defined]
        if any("--output" in param.opts for param in command.params)
    )


COMMANDS = _commands_with_output()


def test_every_command_with_output_has_example_arguments() -> None:
    assert len(COMMANDS) >= 9
    assert set(COMMANDS) == set(EXAMPLE_ARGS), "give the new command example arguments here"


def _bad_paths(tmp: Path) -> dict[str, Path]:
    a_file = tmp / "a-file.txt"
    a_file.write_text("kept\n", encoding="utf-8")
    paths = {
        "missing parent": tmp / "no" / "such" / "out.txt",
        "a directory": tmp,
        "parent is a file": a_file / "out.txt",
    }
    if os.geteuid() == 0:
        # root writes through permission bits: /proc refuses new files even to root.
        paths["unwritable folder"] = Path("/proc/mla-kg-out.txt")
    else:
        locked = tmp / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        paths["unwritable folder"] = locked / "out.txt"
    return paths


def _assert_one_line_error(result: subprocess.CompletedProcess[str], path: Path) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot write ") and str(path) in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_unwritable_output_is_one_line_exit_2(
    command: str, run_cli: RunCli, tmp_path: Path
) -> None:
    for path in _bad_paths(tmp_path).values():
        result = run_cli(command, *EXAMPLE_ARGS[command], "-o", str(path))
        _assert_one_line_error(result, path)
    # Nothing was written anywhere, not even a temporary file; the existing file is untouched.
    assert sorted(p.name for p in tmp_path.iterdir()) in (
        ["a-file.txt"],
        ["a-file.txt", "locked"],
    )
    assert (tmp_path / "a-file.txt").read_text(encoding="utf-8") == "kept\n"


def test_output_replaces_the_file_in_one_step(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "outline.md"
    target.write_text("old\n", encoding="utf-8")
    result = run_cli("outline", "eu-jp-mla", "-f", "md", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"wrote {target}"
    assert "Art" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["outline.md"]
    mode = target.stat().st_mode & 0o777
    assert mode & 0o044, oct(mode)  # readable by others as an ordinary new file is, not 0600


def test_a_failure_while_writing_leaves_the_old_file(tmp_path: Path) -> None:
    from mla_kg.cli.output import replacing

    target = tmp_path / "matrix.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("the renderer failed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["matrix.csv"]
