"""Regenerate ``data/*.ttl`` from ``research/*.yaml``: the one command of the data workflow.

From the repository root::

    python scripts/import_research.py            # writes data/*.ttl
    python scripts/import_research.py --out /tmp/x --instrument eu-jp-mla

The generator itself is the package ``tools/research_import/`` (one module per job); this file
only puts the repository root on the import path and runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.research_import import main

if __name__ == "__main__":
    sys.exit(main())
