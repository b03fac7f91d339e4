"""Instruments side by side: the comparison matrix, differences, outlines and model profiles.

A cell of the matrix (one feature in one instrument) is **present** when a provision of the
instrument carries the feature or an instrument-level attestation (``mla:Presence``) says the
instrument has it, **absent** when only an absence (``mla:Absence``) is recorded, and
**unknown** when the research says neither. A cell that is both present and absent, or whose
facts a commentary claim contradicts, is flagged so that both sides stay visible.

Every rendering marks recalled facts with a dagger (``†``) and explains it in a legend: a
recalled article number has not been checked against the official text.

The modules: :mod:`~mla_kg.compare.cells` (the cell model), :mod:`~mla_kg.compare.matrix`
(:func:`compare`), :mod:`~mla_kg.compare.render` (its renderings), :mod:`~mla_kg.compare.diff`,
:mod:`~mla_kg.compare.outline` and :mod:`~mla_kg.compare.profile`.

>>> from mla_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> comparison = kg.compare(["eu-jp-mla", "jp-us-mlat"], features=["videoconference-hearing"])
>>> [comparison.cell("videoconference-hearing", i).status for i in comparison.instruments]
['present', 'absent']
"""

from mla_kg.compare.cells import (
    DEFAULT_INSTRUMENTS,
    LEGEND,
    REPORT_LEGEND,
    STATUSES,
    Attestation,
    Cell,
    Claim,
    FeatureRow,
    Provision,
    source_label,
)
from mla_kg.compare.diff import DIFF_CATEGORIES, DiffEntry, InstrumentDiff, diff
from mla_kg.compare.matrix import Comparison, compare
from mla_kg.compare.outline import Outline, OutlineFeature, OutlineNode, outline
from mla_kg.compare.profile import Marker, ModelProfile, model_profile
from mla_kg.verification import RECALLED_LEGEND, RECALLED_MARK, VERIFICATIONS

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "DIFF_CATEGORIES",
    "LEGEND",
    "RECALLED_LEGEND",
    "RECALLED_MARK",
    "REPORT_LEGEND",
    "STATUSES",
    "VERIFICATIONS",
    "Attestation",
    "Cell",
    "Claim",
    "Comparison",
    "DiffEntry",
    "FeatureRow",
    "InstrumentDiff",
    "Marker",
    "ModelProfile",
    "Outline",
    "OutlineFeature",
    "OutlineNode",
    "Provision",
    "compare",
    "diff",
    "model_profile",
    "outline",
    "source_label",
]
