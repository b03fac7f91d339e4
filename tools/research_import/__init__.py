"""The generator of ``data/``: research fact sheets (YAML) in, canonical Turtle out.

A developer tool, not part of the installed ``mla_kg`` package. Run it as
``python scripts/import_research.py`` from the repository root.

One Turtle file per instrument (``data/<id>.ttl``), plus ``data/sources.ttl`` (every source the
converted fact sheets cite, the seed article, one research record per fact sheet) and
``data/states.ttl``. Output is deterministic (no blank nodes, rdflib's sorted Turtle, fixed
prefixes). Anything the converter cannot map raises :class:`ResearchError` naming the file and the
key; every item is either converted or reported on stderr as skipped, with the reason.
Decisions that cannot be derived mechanically live in ``research/curation.yaml``.

Modules, one job each (imports flow down this list):

- ``instruments``: folders and ``DEFAULT_INSTRUMENTS`` (the sheets converted by default);
- ``vocabulary``, ``states``, ``text``: namespaces and statuses, the States table, text helpers;
- ``items``: key-accounted reading of a sheet (``Item``), ``ResearchError``, the run ``Report``;
- ``base``: the core of one sheet's conversion (graph helpers, statuses, provenance, features);
- ``sources``, ``instrument``, ``participation``, ``articles``, ``annexes``, ``claims``: one
  mixin each for a group of sections; ``sheet`` combines them and fixes the order;
- ``membership``: ``membership.yaml`` (EU membership, opt-ins, the Japanese act);
- ``convert``: a whole run; ``counts``: the counts table of ``data/README.md``; ``cli``: the
  command line.
"""

from .cli import main
from .convert import convert, header_for, read_features, serialize
from .instruments import (
    CURATION_FILE,
    DEFAULT_INSTRUMENTS,
    DEFAULT_OUT_DIR,
    DEFAULT_RESEARCH_DIR,
    REPO_ROOT,
)
from .items import Item, Report, ResearchError
from .membership import JP_ACT_ID, MEMBERSHIP_ID, MembershipSheet
from .participation import CLAUSE_CHECK_FEATURES
from .sheet import Sheet
from .text import slug
from .vocabulary import new_graph

__all__ = [
    "CLAUSE_CHECK_FEATURES",
    "CURATION_FILE",
    "DEFAULT_INSTRUMENTS",
    "DEFAULT_OUT_DIR",
    "DEFAULT_RESEARCH_DIR",
    "JP_ACT_ID",
    "MEMBERSHIP_ID",
    "REPO_ROOT",
    "Item",
    "MembershipSheet",
    "Report",
    "ResearchError",
    "Sheet",
    "convert",
    "header_for",
    "main",
    "new_graph",
    "read_features",
    "serialize",
    "slug",
]
