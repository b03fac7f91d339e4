"""What every command shares to write its answer: consoles, tables as text, files or stdout."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mla_kg.errors import OutputUnwritable


def check_output(path: Path | None) -> Path | None:
    """Refuse an ``-o`` path that cannot be written, before any work is done.

    :raises OutputUnwritable: if the path is a directory, its folder is missing or not a
        folder, or the folder is not writable.
    """
    if path is None:
        return None
    folder = path.parent
    if path.is_dir():
        raise OutputUnwritable(path, "it is a directory")
    if not folder.exists():
        raise OutputUnwritable(path, f"no such folder {folder}")
    if not folder.is_dir():
        raise OutputUnwritable(path, f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputUnwritable(path, f"folder {folder} is not writable")
    return path


#: The ``--output`` option of every command that writes a file; the path is checked first.
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="File to write (default: stdout).", callback=check_output),
]


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one step.

    A failure leaves ``path`` as it was (nothing half-written) and removes the temporary file.

    :raises OutputUnwritable: if the file cannot be created or moved into place.
    """
    check_output(path)
    try:
        handle, name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix
        )
    except OSError as error:
        raise OutputUnwritable(path, error.strerror or str(error)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        raise OutputUnwritable(path, error.strerror or str(error)) from None
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    """Return the process umask (a temporary file is created 0600; the result should not be)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_file(data: str | bytes, path: Path) -> None:
    """Write text (UTF-8) or bytes to ``path`` through a temporary file, then say so on stderr."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as temporary:
        temporary.write_bytes(payload)
    typer.echo(f"wrote {path}", err=True)


# Wide enough that IRIs are never folded across lines when output goes to a file or pipe.
_PIPE_WIDTH = 4000
# Width of tables written to a pipe or a file, where no terminal says how wide to be.
_DEFAULT_WIDTH = 160


def console(stderr: bool = False) -> Console:
    """Return a rich console that never reads markup or highlights data.

    Its width is the terminal's; on a pipe or file it is ``$COLUMNS`` where set, else wide
    enough that nothing folds.
    """
    stream = sys.stderr if stderr else sys.stdout
    columns = os.environ.get("COLUMNS", "")
    width = None if stream.isatty() else int(columns) if columns.isdigit() else _PIPE_WIDTH
    return Console(file=stream, width=width, highlight=False, markup=False, emoji=False)


def width(to_file: bool) -> int | None:
    """Return the table width: the terminal's, else ``$COLUMNS``, else a readable default."""
    if not to_file and sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else _DEFAULT_WIDTH


def render(renderable: Any, to_file: bool) -> str:
    """Render a rich renderable as plain text (no colour codes when written to a file or pipe)."""
    buffer = io.StringIO()
    colour = not to_file and sys.stdout.isatty()
    out = Console(
        file=buffer,
        width=width(to_file),
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=colour,
        no_color=not colour,
    )
    out.print(renderable)
    return buffer.getvalue()


def emit(text: str, output: Path | None) -> None:
    """Write text to a file (replaced in one step), or to standard output."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_file(text, output)


def emit_bytes(data: bytes, output: Path | None) -> None:
    """Write bytes to a file (replaced in one step), or to standard output."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_file(data, output)
