"""The package as pyproject.toml declares it: dependencies, exports, version, folders.

The import check reads the source, so a module that imports a library pyproject.toml does not
install fails here, in the fast suite, before the slow wheel test would notice.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import mla_kg
from mla_kg import errors, paths

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
PACKAGE = REPO / "mla_kg"
# mla_kg/server/ is the web server: it may use the "server" extra at import time.
SERVER = PACKAGE / "server"


def _distribution(requirement: str) -> str:
    """Return the normalised distribution name of a requirement such as ``rdflib>=7.0``."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group(0)).lower()


def _declared(*extras: str) -> set[str]:
    """Return the distributions of the core dependencies plus the given extras."""
    declared = {_distribution(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        declared |= {_distribution(r) for r in PROJECT["optional-dependencies"][extra]}
    return declared


def _module_level_imports(path: Path) -> set[str]:
    """Return the top-level names of modules a file imports when it is imported.

    Imports inside functions (loaded only when used) and under ``if TYPE_CHECKING`` are left
    out; so are relative imports.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)

    visit(tree.body)
    return names


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Return the installed distributions by the top-level module names they provide."""
    return dict(importlib.metadata.packages_distributions())


def _third_party(names: set[str]) -> dict[str, set[str]]:
    """Map imported module names that are not stdlib nor the repository's own to distributions.

    The repository's own: ``mla_kg`` and ``tools`` (the data generator, which tests import
    from the checkout through pytest's ``pythonpath``).
    """
    distributions = _distributions()
    found = {}
    for name in names - set(sys.stdlib_module_names) - {"mla_kg", "tools", "__future__"}:
        found[name] = {_distribution(d) for d in distributions.get(name, [name])}
    return found


@pytest.mark.parametrize(
    "path",
    sorted(PACKAGE.rglob("*.py")),
    ids=lambda path: path.relative_to(REPO).as_posix(),
)
def test_package_imports_only_declared_dependencies(path: Path) -> None:
    allowed = _declared("server") if path.is_relative_to(SERVER) else _declared()
    for module, distributions in _third_party(_module_level_imports(path)).items():
        assert distributions & allowed, (
            f"{path.relative_to(REPO)} imports {module!r} at import time, but pyproject.toml "
            f"does not require {sorted(distributions)}: add it to [project] dependencies "
            "(or import it inside the function that needs it and name the extra)"
        )


def test_tests_import_only_what_the_test_and_server_extras_install() -> None:
    allowed = _declared("test", "server")
    test_files = sorted((REPO / "tests").rglob("*.py"))
    # The tests' own helper modules (e.g. tests/findings_doc.py) are imported by name.
    own_modules = {path.stem for path in test_files}
    for path in test_files:
        imports = _module_level_imports(path) - own_modules
        for module, distributions in _third_party(imports).items():
            assert distributions & allowed, f"{path.relative_to(REPO)}: {module!r} not in extras"


def test_import_check_notices_an_undeclared_library(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text(
        "import json\nimport matplotlib.pyplot\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import numpy\n"
        "def plot():\n    import seaborn\n",
        encoding="utf-8",
    )
    imports = _module_level_imports(module)
    assert imports == {"json", "matplotlib", "typing"}
    assert "matplotlib" in _third_party(imports)
    assert not _third_party(imports)["matplotlib"] & _declared()


def test_version_and_script_match_pyproject() -> None:
    assert mla_kg.__version__ == PROJECT["version"]
    assert PROJECT["scripts"] == {"mla-kg": "mla_kg.__main__:main"}
    result = subprocess.run(
        [sys.executable, "-m", "mla_kg", "--version"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"mla-kg {PROJECT['version']}")


def test_package_exports_the_api_and_every_error() -> None:
    for name in mla_kg.__all__:
        assert hasattr(mla_kg, name), name
    public_errors = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.MlaKgError)
    }
    # Errors a caller of the API meets; the push/remote errors belong to their commands.
    assert public_errors - {"RemoteEndpointError", "PushError"} <= set(mla_kg.__all__)
    for name in public_errors:
        error_class = getattr(errors, name)
        assert error_class.exit_code in (1, 2), name
        assert error_class.__doc__, name


def test_folders_the_wheel_ships_are_the_ones_paths_finds() -> None:
    shipped = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    # The folders paths.py finds, and the request example /request opens with.
    bundled = ("ontology", "data", "queries", "research/drafting", "docs/request-example.yaml")
    assert shipped == {folder: f"mla_kg/_bundled/{folder}" for folder in bundled}
    assert paths.IS_CHECKOUT and paths.ROOT == REPO
    assert paths.ONTOLOGY_DIR == REPO / "ontology" and paths.DATA_DIR == REPO / "data"
    assert paths.QUERIES_DIR == REPO / "queries" and paths.CHECKS_DIR == REPO / "queries" / "checks"
    assert {p.name for p in paths.ontology_files()} >= {"mla.ttl", "features.ttl", "shapes.ttl"}
    assert paths.SHAPES_FILE not in paths.ontology_files(include_shapes=False)
    assert {p.name for p in paths.data_files()} >= {
        "eu-jp-mla.ttl",
        "eu-us-mla.ttl",
        "jp-us-mlat.ttl",
    }
