"""Typed errors of the official-text readers (exit 2 on the command line: bad input)."""

from __future__ import annotations

from pathlib import Path

from mla_kg.errors import MlaKgError


class UnreadableText(MlaKgError):
    """An official text that cannot be read: missing, empty, binary, or of an unknown format.

    :param path: the file.
    :param problem: what is wrong and what to do about it.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"cannot read the official text {self.path}: {problem}")
        self._init_args = (path, problem)


class RecordError(MlaKgError):
    """``verify --write`` cannot record the outcome in a research file (nothing was written).

    :param file: the research file.
    :param problem: what is wrong and what to do about it.
    """

    def __init__(self, file: str | Path, problem: str) -> None:
        self.file = str(file)
        self.problem = problem
        super().__init__(f"nothing written to {self.file}: {problem}")
        self._init_args = (file, problem)
