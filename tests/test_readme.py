"""The README is true: its set-up commands come first and CI runs them; its examples work.

Each ```python block runs (in order, sharing names, from a folder outside the checkout); a
```text block right after it lists lines its output must contain, in order (a line ending in
``...`` need only start the same way; a line ``...`` stands for any lines). The ```turtle
example of "Contributing data" must pass validation (also ``--standalone``, on its own), and fail
it without its source.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mla_kg import KnowledgeGraph, UnknownInstrument
from mla_kg.paths import DATA_DIR
from mla_kg.validate import validate

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
CI_RUN = REPO / ".ci" / "run"
SETUP = [
    "pip install . && mla-kg compare eu-jp-mla eu-us-mla jp-us-mlat",
    "pip install -e '.[test,server]' && pytest",
]
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def _blocks(text: str) -> list[tuple[str, str, int, int]]:
    """Return the fenced code blocks: language, body, start and end offsets."""
    return [(m.group(1), m.group(2), m.start(), m.end()) for m in _BLOCK.finditer(text)]


TEXT = README.read_text(encoding="utf-8")
BLOCKS = _blocks(TEXT)


def _commands(body: str) -> list[str]:
    """Return the command lines of a shell block (no comments, no blank lines)."""
    return [line.strip() for line in body.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_the_two_set_up_commands() -> None:
    first = BLOCKS[0]
    before = TEXT[: first[2]].strip().split("\n\n")
    assert before[0].startswith("# mla-kg"), "the README starts with its title"
    assert len(before) == 2, "only a one-sentence description may come before the commands"
    commands = _commands(first[1])
    if len(commands) == 1:  # the two commands may sit in two blocks
        commands += _commands(BLOCKS[1][1])
    assert commands == SETUP


def test_ci_runs_readme_command_2() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    assert any(SETUP[1] in line and not line.startswith("#") for line in lines), (
        f".ci/run must run README command (2) as written: {SETUP[1]}"
    )


def _expect(expected: str, output: str) -> None:
    """Assert the lines of ``expected`` occur in ``output`` in order (``...`` as wildcard)."""
    lines = output.splitlines()
    position = 0
    for want in expected.splitlines():
        if want.strip() == "...":
            continue
        for index in range(position, len(lines)):
            got = lines[index]
            matched = got.startswith(want[:-3]) if want.endswith("...") else got == want
            if matched:
                position = index + 1
                break
        else:
            raise AssertionError(f"README output line {want!r} not found in:\n{output}")


def _examples() -> list[tuple[str, str | None]]:
    """Return each python block with the text block that shows its output, if any."""
    examples = []
    for index, (language, body, _, end) in enumerate(BLOCKS):
        if language != "python":
            continue
        following = BLOCKS[index + 1] if index + 1 < len(BLOCKS) else None
        shows = following and following[0] == "text" and not TEXT[end : following[2]].strip()
        examples.append((body, following[1] if shows and following else None))
    return examples


def test_python_examples_run_and_print_what_the_readme_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _examples()
    assert len(examples) >= 4, "the README shows the Python API"
    assert all(expected for _, expected in examples), "every example shows its output"
    monkeypatch.chdir(tmp_path)  # the examples must not depend on the checkout as cwd
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for body, expected in examples:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(body, str(README), "exec"), namespace)
        if expected is not None:
            _expect(expected, output.getvalue())


def test_expect_notices_a_wrong_line() -> None:
    _expect("a\n...\nc...", "a\nb\ncdef\n")
    with pytest.raises(AssertionError):
        _expect("a\nc", "c\na\n")
    with pytest.raises(AssertionError):
        _expect("present", "absent\n")


@pytest.fixture(scope="module")
def contributed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the README's Turtle example to a file."""
    turtle = [body for language, body, _, _ in BLOCKS if language == "turtle"]
    assert len(turtle) == 1, "the README has one Turtle example"
    path = tmp_path_factory.mktemp("contributed") / "my.ttl"
    path.write_text(turtle[0], encoding="utf-8")
    return path


def test_contributed_example_validates(contributed: Path) -> None:
    # With the States it names (the bundled data holds them), without the rest: fast.
    report = validate([contributed, DATA_DIR / "states.ttl"], include_data=False)
    assert report.conforms, [(r.focus, r.path, r.message) for r in report.violations]


def test_contributed_example_validates_standalone(
    contributed: Path, run_cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    # The README says the example passes on its own, so it must describe the States it names.
    result = run_cli("validate", "--standalone", "--format", "json", contributed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["conforms"] is True


def test_contributed_example_without_a_source_fails_validation(
    contributed: Path, tmp_path: Path
) -> None:
    text = contributed.read_text(encoding="utf-8")
    article = text.index("<https://w3id.org/mla-kg/id/instrument/example-mlat/art/1>\n    a ")
    source_line = "    mla:source <https://w3id.org/mla-kg/id/source/example-gazette> ;\n"
    cut = text[:article] + text[article:].replace(source_line, "", 1)
    assert cut != text
    broken = tmp_path / "my.ttl"
    broken.write_text(cut, encoding="utf-8")
    report = validate([broken, DATA_DIR / "states.ttl"], include_data=False)
    assert not report.conforms
    focus = {r.focus for r in report.violations}
    assert "https://w3id.org/mla-kg/id/instrument/example-mlat/art/1" in focus


def test_contributed_example_joins_the_comparison(contributed: Path) -> None:
    kg = KnowledgeGraph(extra_files=[contributed])
    comparison = kg.compare(["example-mlat", "eu-jp-mla"], groups=["scope"])
    cell = comparison.cell("obligation-to-assist", "example-mlat")
    assert cell.status == "present"
    assert [p.citation for p in cell.provisions] == ["Art 1"]


def test_readme_links_only_docs_that_exist() -> None:
    links = re.findall(r"\]\((docs/[^)]+)\)", TEXT)
    assert {"docs/serving.md", "docs/remote.md", "docs/planning.md", "docs/comparison.md"} <= set(
        links
    )
    for link in links:
        assert (REPO / link).is_file(), f"README links {link}, which does not exist"


DOCS = sorted((REPO / "docs").glob("*.md"))


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_docs_python_examples_print_what_they_show(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only examples followed by the output they print are run: the others need a server.
    text = doc.read_text(encoding="utf-8")
    blocks = _blocks(text)
    monkeypatch.chdir(tmp_path)
    for index, (language, body, _, end) in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if language != "python" or not following or following[0] != "text":
            continue
        if text[end : following[2]].strip():
            continue
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(body, str(doc), "exec"), {"__name__": "__docs__"})
        _expect(following[1], output.getvalue())


def test_readme_shell_example_of_an_error_is_what_the_cli_says(kg: KnowledgeGraph) -> None:
    shown = next(body for language, body, _, _ in BLOCKS if "error: unknown instrument" in body)
    message = shown.splitlines()[-1].removeprefix("error: ")
    with pytest.raises(UnknownInstrument) as caught:
        kg.run("count_subdivisions_by_status", instrument="eu-jp")
    assert str(caught.value).startswith(message.removesuffix("..."))
