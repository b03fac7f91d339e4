"""Typed errors of mla-kg, each with a message that names the thing at fault and the fix.

Every error carries ``exit_code``, the status the command line ends with when it stops on it:
2 for bad input or a load error, 1 for violations. Each also subclasses the built-in a Python
user would catch: :class:`LookupError` for an unknown id, :class:`ValueError` for a bad value
or file, :class:`TimeoutError`, :class:`OSError` for an output that cannot be written,
:class:`ImportError` for a missing extra.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def _listing(names: Iterable[str]) -> str:
    """Return ``names`` sorted and comma-separated, or a note that there are none."""
    names = sorted(names)
    return ", ".join(names) if names else "(none)"


class MlaKgError(Exception):
    """Base class of every error mla-kg raises on purpose."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self._init_args: tuple[object, ...] = (message,)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        """Rebuild the error from its constructor arguments (errors cross process boundaries)."""
        return (type(self), self._init_args)


class LoadError(MlaKgError, ValueError):
    """An RDF file could not be read: missing, of an unknown type, or not well-formed.

    :param file: the file that failed.
    :param line: the 1-based line of the first error, where the parser reports one.
    :param cause: what is wrong, in the parser's words.
    :param column: the 1-based column of the first error, where known.
    """

    def __init__(
        self, file: str | Path, line: int | None, cause: str, column: int | None = None
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.cause = cause
        where = self.file
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"cannot load {where}: {cause}")
        self._init_args = (file, line, cause, column)


class UnsupportedFormat(MlaKgError, ValueError):
    """An RDF serialization format that mla-kg cannot read or write was asked for."""

    def __init__(self, format: str, supported: Iterable[str]) -> None:
        self.format = format
        self.supported = sorted(supported)
        super().__init__(
            f"unsupported RDF format {format!r}; use one of: {_listing(self.supported)}"
        )
        self._init_args = (format, self.supported)


class UnknownQuery(MlaKgError, LookupError):
    """No named query has this name."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(
            f"no named query {name!r}; known queries: {_listing(self.known)}. "
            "Give one of these names or the path of a .rq file."
        )
        self._init_args = (name, self.known)


class QueryFileNotFound(MlaKgError, FileNotFoundError):
    """A ``.rq`` file given as a query does not exist (or is not a file)."""

    def __init__(self, path: str | Path, cause: str = "no such file") -> None:
        self.path = str(path)
        MlaKgError.__init__(
            self,
            f"query file {self.path}: {cause}; give the path of a .rq file or the name of a "
            "named query (`mla-kg query` lists them)",
        )
        self._init_args = (path, cause)


class UnknownInstrument(MlaKgError, LookupError):
    """No instrument in the graph has this id."""

    def __init__(self, instrument_id: str, known: Iterable[str]) -> None:
        self.instrument_id = instrument_id
        self.known = sorted(known)
        super().__init__(
            f"unknown instrument {instrument_id!r}; known instrument ids: {_listing(self.known)}"
        )
        self._init_args = (instrument_id, self.known)


class UnknownState(MlaKgError, LookupError):
    """No State (or organisation) in the graph has this code."""

    def __init__(self, code: str, known: Iterable[str]) -> None:
        self.code = code
        self.known = sorted(known)
        super().__init__(
            f"unknown State {code!r}; use an ISO 3166-1 alpha-2 code of the graph: "
            f"{_listing(self.known)}"
        )
        self._init_args = (code, self.known)


class UnknownFeature(MlaKgError, LookupError):
    """No feature of the feature scheme has this id."""

    def __init__(self, feature_id: str, known: Iterable[str]) -> None:
        self.feature_id = feature_id
        self.known = sorted(known)
        super().__init__(
            f"unknown feature {feature_id!r}; feature ids of the scheme: {_listing(self.known)}"
        )
        self._init_args = (feature_id, self.known)


class NotAMeasure(UnknownFeature):
    """A feature of the scheme was given where a measure (a feature of the measures group) is.

    :param feature_id: the feature given.
    :param group: the group the feature belongs to.
    :param measures: the feature ids of the measures group.
    """

    def __init__(self, feature_id: str, group: str, measures: Iterable[str]) -> None:
        self.feature_id = feature_id
        self.group = group
        self.known = sorted(measures)
        MlaKgError.__init__(
            self,
            f"{feature_id!r} is a known feature of the {group!r} group, not a measure that can "
            f"be asked for; measures: {_listing(self.known)}",
        )
        self._init_args = (feature_id, group, self.known)


class QueryError(MlaKgError):
    """A SPARQL query is malformed or failed in the engine."""

    def __init__(self, message: str, query: str | None = None) -> None:
        self.query = query
        prefix = f"query {query!r}: " if query else ""
        super().__init__(prefix + message)
        self._init_args = (message, query)


class InvalidParameter(QueryError, ValueError):
    """A query parameter value is not of the type the query header declares."""

    def __init__(self, parameter: str, value: object, expected: str, query: str | None = None):
        self.parameter = parameter
        self.value = value
        self.expected = expected
        super().__init__(f"parameter {parameter!r} must be {expected}, not {value!r}", query)
        self._init_args = (parameter, value, expected, query)


class MissingParameter(QueryError, ValueError):
    """A required query parameter was not given."""

    def __init__(self, query: str, parameter: str, meaning: str = "") -> None:
        self.parameter = parameter
        what = f" ({meaning})" if meaning else ""
        super().__init__(
            f"missing required parameter {parameter!r}{what}; give it as {parameter}=VALUE",
            query,
        )
        self._init_args = (query, parameter, meaning)


class QueryTimeout(QueryError, TimeoutError):
    """A query ran longer than the time allowed for it."""

    def __init__(self, seconds: float, query: str | None = None) -> None:
        self.seconds = seconds
        super().__init__(
            f"stopped after {seconds:g} s; narrow the query (fewer variables, more constants)",
            query,
        )
        self._init_args = (seconds, query)


class ShapeViolation(MlaKgError):
    """Data does not conform to the shapes or QC checks; ``report`` lists every violation."""

    exit_code = 1

    def __init__(self, report: object) -> None:
        self.report = report
        count = len(getattr(report, "violations", ()))
        super().__init__(
            f"{count} violation(s) of the mla-kg shapes and checks; "
            "run `mla-kg validate` for the list"
        )
        self._init_args = (report,)


class RemoteEndpointError(MlaKgError):
    """A SPARQL endpoint or Graph Store could not be reached or answered wrongly.

    :param endpoint: the URL that was asked.
    :param cause: what went wrong, as far as the server or the network says.
    :param fix: what to check or do about it.
    """

    def __init__(self, endpoint: str, cause: str, fix: str) -> None:
        self.endpoint = endpoint
        self.cause = cause
        self.fix = fix
        super().__init__(f"endpoint {endpoint}: {cause}; {fix}")
        self._init_args = (endpoint, cause, fix)


class PushError(MlaKgError):
    """Uploading the data to a Graph Store failed; the message says what state it left.

    :param message: what failed and what the target graph holds now.
    :param uploaded: the files that had reached the staging graph before the failure.
    :param target_unchanged: whether the target graph is as it was before the push.
    """

    def __init__(
        self, message: str, uploaded: Iterable[str] = (), target_unchanged: bool = True
    ) -> None:
        self.uploaded = list(uploaded)
        self.target_unchanged = target_unchanged
        super().__init__(message)
        self._init_args = (message, self.uploaded, target_unchanged)


class OutputUnwritable(MlaKgError, OSError):
    """The file given with ``-o/--output`` cannot be written; nothing was written.

    :param path: the path given.
    :param cause: why it cannot be written (missing folder, a directory, no permission).
    """

    def __init__(self, path: str | Path, cause: str) -> None:
        self.path = str(path)
        self.cause = cause
        MlaKgError.__init__(
            self,
            f"cannot write {self.path}: {cause}; give -o a file in an existing, writable folder",
        )
        self._init_args = (path, cause)


class MissingExtra(MlaKgError, ImportError):
    """A command needs a package of an optional extra that is not installed.

    :param module: the module that could not be imported.
    :param extra: the extra of mla-kg that installs it.
    :param needed_for: what needs it, in the user's words.
    """

    def __init__(self, module: str, extra: str, needed_for: str) -> None:
        self.module = module
        self.extra = extra
        self.needed_for = needed_for
        MlaKgError.__init__(self, f"{needed_for} needs {module}: pip install 'mla-kg[{extra}]'")
        self._init_args = (module, extra, needed_for)


class UnknownBackend(MlaKgError, ValueError):
    """No SPARQL engine of mla-kg has this name."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = list(known)
        super().__init__(
            f"unknown backend {name!r}; use one of: {', '.join(self.known)} "
            "(or KnowledgeGraph.remote(URL) for a SPARQL endpoint)"
        )
        self._init_args = (name, self.known)
