"""Keep the shell examples of the docs true: rerun each ``$ mla-kg ...`` block and show its output.

A console block in a Markdown file (a fence opened with ``console``) whose first line is
``$ mla-kg ...`` is an example: the lines after the command are what it prints, and a line
``(exit N)`` right after the fence is its exit code. An example whose shown output ends in a
line ``[...]`` shows only the first lines of the output: as many as it shows now.
``python tools/doc_examples.py FILE...`` rewrites those parts from a fresh run of each command
(in a temporary folder, so that ``-o`` files land there); ``--check`` rewrites nothing and exits
1 naming each example that no longer prints what it shows. tests/test_doc_examples.py runs
the check on docs/planning.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_BLOCK = re.compile(r"```console\n\$ (mla-kg [^\n]*)\n(.*?)```\n(\(exit (\d+)\)\n)?", re.S)
#: The last line of an example that shows only the beginning of its output.
CUT = "[...]\n"
#: A fixed terminal width: the output of the examples must not depend on the reader's window.
COLUMNS = "100"


@dataclass
class Example:
    """One console example: the command, what the document shows, and where it stands."""

    command: str
    shown: str
    shown_exit: int | None
    start: int
    end: int


def examples(text: str) -> list[Example]:
    """Return the console examples of a Markdown text, in order."""
    return [
        Example(
            command=m.group(1),
            shown=m.group(2),
            shown_exit=int(m.group(4)) if m.group(4) else None,
            start=m.start(),
            end=m.end(),
        )
        for m in _BLOCK.finditer(text)
    ]


def run(command: str, folder: Path) -> tuple[str, int]:
    """Run an example's command in a folder; return what it prints (stdout, then stderr)."""
    words = shlex.split(command)
    environment = {**os.environ, "COLUMNS": COLUMNS, "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "mla_kg", *words[1:]],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    output = done.stdout + done.stderr
    return (output if output.endswith("\n") or not output else output + "\n"), done.returncode


def refresh(text: str) -> tuple[str, list[str]]:
    """Return the text with every example's output rerun, and the commands whose output changed."""
    changed: list[str] = []
    pieces: list[str] = []
    last = 0
    with tempfile.TemporaryDirectory(prefix="mla-kg-docs-") as folder:
        for example in examples(text):
            output, code = run(example.command, Path(folder))
            if example.shown.endswith(CUT):
                kept = example.shown.count("\n") - 1
                output = "".join(output.splitlines(keepends=True)[:kept]) + CUT
            if output != example.shown or code != example.shown_exit:
                changed.append(example.command)
            pieces.append(text[last : example.start])
            pieces.append(f"```console\n$ {example.command}\n{output}```\n(exit {code})\n")
            last = example.end
    pieces.append(text[last:])
    return "".join(pieces), changed


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, check) the examples of the files given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    arguments = parser.parse_args(argv)
    stale = False
    for path in arguments.files:
        text = path.read_text(encoding="utf-8")
        fresh, changed = refresh(text)
        for command in changed:
            print(f"{path}: the example `{command}` no longer prints what it shows")
        stale = stale or bool(changed)
        if not arguments.check and fresh != text:
            path.write_text(fresh, encoding="utf-8")
            print(f"{path}: {len(changed)} example(s) rewritten")
    return 1 if stale and arguments.check else 0


if __name__ == "__main__":
    sys.exit(main())
