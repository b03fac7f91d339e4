"""Where the research source and the generated data live, and which sheets are converted."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RESEARCH_DIR = REPO_ROOT / "research"
DEFAULT_OUT_DIR = REPO_ROOT / "data"
CURATION_FILE = REPO_ROOT / "research" / "curation.yaml"

#: Fact sheets converted by default (every instrument sheet of research/).
DEFAULT_INSTRUMENTS = (
    "eu-jp-mla",
    "eu-us-mla",
    "jp-us-mlat",
    "eu-mla-conv-2000",
    "eu-us-extradition",
    "coe-mla-1959",
    "coe-mla-2ap-2001",
    "coe-mla-ap-1978",
    "eu-mla-prot-2001",
    "eio-directive-2014",
    "un-model-law-mla-2007",
    "untoc-2000",
    "uncac-2003",
    "budapest-2001",
    "un-drugs-1988",
    "jp-kr-mlat",
    "jp-cn-mlat",
    "jp-hk-mlaa",
    "jp-ru-mlat",
    "jp-vn-mlat",
    "jp-br-mlat",
    "jp-ca-mlat",
)
