"""Where the ontology, data and queries are: the one module that knows the folder layout.

In a checkout the folders sit at the repository root, next to ``mla_kg/``. An installed wheel
carries copies of them as package data under ``mla_kg/_bundled/``; those win when present, so an
installed package never reads a stray folder that happens to sit beside ``site-packages``.

>>> (ONTOLOGY_DIR / "mla.ttl").is_file()
True
>>> CHECKS_DIR.parent == QUERIES_DIR
True
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_root() -> Path:
    """Return the folder holding ``ontology/``, ``data/`` and ``queries/``."""
    bundled = PACKAGE_DIR / "_bundled"
    if (bundled / "ontology").is_dir():
        return bundled
    return PACKAGE_DIR.parent


ROOT = _find_root()
#: True when running from a checkout (folders next to ``mla_kg/``), False from an installed wheel.
IS_CHECKOUT = ROOT == PACKAGE_DIR.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
CHECKS_DIR = QUERIES_DIR / "checks"
#: The server's page queries (not user-facing: ``mla-kg query`` lists ``QUERIES_DIR`` only).
PAGE_QUERIES_DIR = PACKAGE_DIR / "server" / "queries"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
FEATURES_FILE = ONTOLOGY_DIR / "features.ttl"
#: The curated research source (``research/<id>.yaml``); only in a checkout, not in the wheel.
RESEARCH_DIR = PACKAGE_DIR.parent / "research"


def ontology_files(*, include_shapes: bool = True) -> list[Path]:
    """Return the Turtle files of the ontology folder, sorted by name.

    :param include_shapes: whether to include ``shapes.ttl`` (the SHACL shapes).
    :returns: paths of ``ontology/*.ttl``.
    """
    files = sorted(ONTOLOGY_DIR.glob("*.ttl"))
    if not include_shapes:
        files = [path for path in files if path != SHAPES_FILE]
    return files


def data_files() -> list[Path]:
    """Return the Turtle files of the data folder, sorted by name."""
    return sorted(DATA_DIR.glob("*.ttl"))


def cache_dir() -> Path | None:
    """Return the user's cache folder for mla-kg, or ``None`` when caching is turned off.

    ``$MLA_KG_CACHE_DIR`` if set (set but empty turns caching off), else
    ``$XDG_CACHE_HOME/mla-kg``, else ``~/.cache/mla-kg``.
    """
    import os

    chosen = os.environ.get("MLA_KG_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mla-kg"
