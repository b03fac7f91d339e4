"""Convert the research fact sheets (YAML) into the canonical Turtle files of ``data/``.

The one command, from the repository root (``scripts/import_research.py`` runs this)::

    python scripts/import_research.py            # writes data/*.ttl and data/README.md's counts
    python scripts/import_research.py --out /tmp/x --instrument eu-jp-mla
    python scripts/import_research.py --check     # only hold research/ against the schema
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .convert import convert
from .counts import write_counts
from .instruments import DEFAULT_INSTRUMENTS, DEFAULT_OUT_DIR, DEFAULT_RESEARCH_DIR


def main(argv: list[str] | None = None) -> int:
    """Run the converter from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("research_dir", nargs="?", type=Path, default=DEFAULT_RESEARCH_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (data/)")
    parser.add_argument(
        "--instrument",
        action="append",
        help="instrument id to convert (repeatable); default: " + ", ".join(DEFAULT_INSTRUMENTS),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="hold every research file against the schema (needs pydantic) and write nothing",
    )
    args = parser.parse_args(argv)
    if args.check:
        from .schema import check_research

        problems = check_research(args.research_dir)
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {args.research_dir}", file=sys.stderr)
        return 1 if problems else 0
    outputs, _ = convert(args.research_dir, args.instrument or DEFAULT_INSTRUMENTS)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(outputs.items()):
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}", file=sys.stderr)
    # The counts of data/README.md describe the whole data: only a full run into data/ has them.
    if args.out.resolve() == DEFAULT_OUT_DIR.resolve() and not args.instrument:
        write_counts(args.out / "README.md", outputs)
        print(f"wrote the counts of {args.out / 'README.md'}", file=sys.stderr)
    return 0
