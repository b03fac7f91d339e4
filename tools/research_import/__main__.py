"""``python -m tools.research_import``: the same as ``python scripts/import_research.py``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
