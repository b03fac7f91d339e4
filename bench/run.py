"""Run every benchmark side by side in one run and write BENCHMARKS.md.

    bench/run                 # everything: 10k, 100k, 1M triples; 5 repetitions
    bench/run --quick         # 10k and 100k, 3 repetitions, short endpoint runs (a smoke test)

Each figure is the median of the repetitions with min and max; comparisons are ratios measured
in this run, on this machine, never against numbers from another day. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
PYTHON = sys.executable
MLA_KG = str(Path(PYTHON).parent / "mla-kg")
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import endpoints  # noqa: E402
import fairness  # noqa: E402
from report import SLOW_RUN_FACTOR, render  # noqa: E402

SIZES = {"bundled": 0, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
PACKAGES = [
    "mla-kg",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "pyshacl",
    "starlette",
    "uvicorn",
    "rdflib-endpoint",
    "networkx",
]


def stats(values: list[float]) -> dict[str, float]:
    """Return median, min and max."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def fmt(summary: dict[str, float], scale: float = 1.0, unit: str = "s", digits: int = 3) -> str:
    """Render ``median (min-max, n=…)``."""
    m, lo, hi = (summary[k] * scale for k in ("median", "min", "max"))
    return f"{m:.{digits}f} {unit} ({lo:.{digits}f}-{hi:.{digits}f}, n={summary['n']:.0f})"


def log(message: str) -> None:
    """Progress on stderr, so a long run shows where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(command: list[str]) -> float:
    """Run a command and return its wall-clock seconds (it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO
    )
    return time.perf_counter() - t0


def cli_cold(repeat: int) -> dict[str, dict[str, float]]:
    """Time (a): ``mla-kg compare`` and ``mla-kg --version`` against ``import rdflib``, interleaved.

    ``python -c pass`` is kept as the floor of any Python command.
    """
    compare = [MLA_KG, "compare", "eu-jp-mla", "eu-us-mla", "jp-us-mlat"]
    # An installed package has its bytecode compiled (pip does it at install; Python writes it
    # on first import). Under PYTHONDONTWRITEBYTECODE a checkout would compile every module on
    # every run, a cost no user pays, while rdflib's bytecode came with its install.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "mla_kg")], check=True)
    timed(compare)  # first run builds any cache; later runs are what a user sees each time
    commands = {
        "cli": compare,
        # The same, answering from the data afresh (no answers kept by an earlier run).
        "cli_no_cache": [MLA_KG, "--no-cache", *compare[1:]],
        "version": [MLA_KG, "--version"],
        "rdflib": [PYTHON, "-c", "import rdflib"],
        "python": [PYTHON, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(timed(command))
    return {name: stats(values) for name, values in times.items()}


#: The commit the validation goal is measured against (issue: performance, round 2).
VALIDATION_BASELINE = "38efafd"


def baseline_checkout(commit: str) -> Path:
    """Return a checkout of ``commit`` under bench/.cache (made once), run with this Python."""
    path = CACHE / f"checkout-{commit}"
    if not (path / "mla_kg").is_dir():
        path.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", commit], check=True, cwd=REPO, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(path)], input=archive, check=True)
    return path


def validation_cli(repeat: int) -> dict[str, dict[str, float]]:
    """Time (d): ``mla-kg validate`` here (cached and ``--no-cache``) and at the baseline commit.

    The baseline runs as ``python -m mla_kg validate`` from its own checkout with this same
    Python and packages; the three are interleaved, and their outputs must be identical.
    """
    baseline = baseline_checkout(VALIDATION_BASELINE)
    # Both with compiled bytecode, as cli_cold() leaves this checkout's (see there).
    for package in (REPO / "mla_kg", baseline / "mla_kg"):
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(package)], check=True)
    env = {**os.environ, "PYTHONPATH": str(baseline)}
    here = [MLA_KG, "validate"]
    outputs = {}
    for name, command, cwd, environment in (
        ("cached", here, REPO, None),  # the warming run keeps the result for the timed ones
        ("baseline", [PYTHON, "-m", "mla_kg", "validate"], baseline, env),
    ):
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=cwd, env=environment, check=False
        )
        outputs[name] = done.stdout
    times: dict[str, list[float]] = {"baseline": [], "no_cache": [], "cached": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "mla_kg", "validate"],
            cwd=baseline,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times["baseline"].append(time.perf_counter() - t0)
        times["no_cache"].append(timed([*here, "--no-cache"]))
        times["cached"].append(timed(here))
    result: dict = {name: stats(values) for name, values in times.items()}
    result["same_report"] = outputs["cached"] == outputs["baseline"]
    result["baseline_commit"] = VALIDATION_BASELINE
    return result


def engine_only(label: str, repeat: int) -> dict | None:
    """Time the first comparison's queries through ``kg.query`` alone, fresh process each."""
    path = corpus_file(label)
    corpus_args = ["--corpus", str(path)] if path else []
    runs = [probe("engine", *corpus_args, "--repeat", "1") for _ in range(repeat)]
    firsts = [run["engine_first_s"] for run in runs if run]
    return stats(firsts) if firsts else None


def probe(*args: str, timeout: float | None = None) -> dict | None:
    """Run bench/probe.py in a fresh process; return its JSON, or None on timeout."""
    try:
        out = subprocess.run(
            [PYTHON, str(HERE / "probe.py"), *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus_file(label: str) -> Path | None:
    """Return the corpus of that size, generating it once (it is deterministic).

    ``bundled`` is the bundled graph alone: no corpus file.
    """
    if label == "bundled":
        return None
    # Named by the generator's own checksum: a changed generator never reuses an old corpus.
    generator = hashlib.sha256(Path(corpus.__file__).read_bytes()).hexdigest()[:10]
    path = CACHE / f"corpus-{label}-{generator}.nt"
    if not path.exists():
        log(f"generating corpus {label}")
        corpus.write_corpus(SIZES[label], path)
    return path


def embedded(sizes: list[str], repeat: int, rdflib_limit: float) -> dict[str, dict]:
    """Time (b, c): load, first compare, warm compare and peak RSS per backend and size."""
    results: dict[str, dict] = {}
    for label in sizes:
        path = corpus_file(label)
        for backend in ("oxigraph", "rdflib"):
            log(f"embedded {backend} at {label}")
            runs = []
            for _ in range(repeat):
                # rdflib at 1M: one load, first compare only, bounded (see pitfalls.md).
                slow = backend == "rdflib" and label == "1M"
                corpus_args = ["--corpus", str(path)] if path else []
                result = probe(
                    "load-compare",
                    "--backend",
                    backend,
                    *corpus_args,
                    "--repeat",
                    "0" if slow else str(repeat),
                    "--compare-limit",
                    str(rdflib_limit),
                    timeout=900 if slow else None,
                )
                if result is None:
                    runs = []
                    break
                runs.append(result)
                if slow:
                    break
            results[f"{backend}/{label}"] = summarise(runs)
    return results


def summarise(runs: list[dict]) -> dict:
    """Fold repeated probe runs into medians."""
    if not runs:
        return {"stopped": True}
    warm = [t for run in runs for t in run["warm_compare_s"]]
    return {
        "triples": runs[0]["triples"],
        "load": stats([r["load_s"] for r in runs]),
        "first": stats([r["first_compare_s"] for r in runs]),
        "warm": stats(warm) if warm else None,
        "rss": stats([r["peak_rss_mb"] for r in runs]),
        "features": runs[0]["features"],
    }


def endpoint_matrix(label: str, repeat: int, seconds: int) -> dict[str, dict]:
    """Time (e): the three endpoints on the same data, lookup and comparison query."""
    export = CACHE / "bundled.nt"
    subprocess.run([MLA_KG, "export", "--format", "nt", "-o", str(export)], check=True, cwd=REPO)
    extra = corpus_file(label)
    comparison = endpoints.comparison_query()
    results: dict[str, dict] = {}
    for name in ("mla-kg serve", "oxigraph serve", "rdflib-endpoint"):
        log(f"endpoint {name} at {label}")
        try:
            with endpoints.running(name, export, extra) as server:
                rows = endpoints.row_count(server.url, comparison)
                entry: dict = {"comparison_rows": rows}
                for query_name, text in (("lookup", endpoints.LOOKUP), ("compare", comparison)):
                    slow = name == "rdflib-endpoint" and query_name == "compare"
                    length = seconds * (SLOW_RUN_FACTOR if slow else 1)
                    post = query_name == "compare"
                    runs = [
                        endpoints.wrk(server.url, text, length, post=post) for _ in range(repeat)
                    ]
                    entry[query_name] = {
                        "rps": stats([r["rps"] for r in runs]),
                        "p50_ms": stats([r["p50_ms"] for r in runs]),
                        "p99_ms": stats([r["p99_ms"] for r in runs]),
                        "errors": sum(r["non_2xx"] + r["timeouts"] for r in runs),
                    }
                if name == "mla-kg serve":
                    # After the runs: each worker holds what answering made it hold.
                    entry["processes"] = endpoints.process_rss(server.pid)
                results[name] = entry
        except (RuntimeError, subprocess.CalledProcessError) as error:
            results[name] = {"error": str(error)}
    return results


def machine() -> dict[str, str]:
    """Cores, memory, Python and package versions, commit."""
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "memory": f"{int(meminfo) / 1024 / 1024:.1f} GiB",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0],
        "commit": commit or "unknown",
        **{f"package {k}": v for k, v in versions.items()},
    }


def main() -> int:
    """Measure everything and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k, 3 repetitions")
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES))
    parser.add_argument("--endpoint-size", default="100k", choices=list(SIZES))
    parser.add_argument("--endpoint-seconds", type=int)
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the report from the last run's figures"
    )
    parser.add_argument("-o", "--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.quick else 5)
    sizes = args.sizes or (["bundled", "10k", "100k"] if args.quick else list(SIZES))
    seconds = args.endpoint_seconds or (3 if args.quick else 10)
    command = " ".join(["bench/run", *sys.argv[1:]])
    last_run = CACHE / "last-run.json"
    if args.render_only:
        run = json.loads(last_run.read_text())
    else:
        started = time.time()
        run = {
            "command": command,
            "facts": machine(),
            "repeat": repeat,
            "seconds": seconds,
            "endpoint_size": args.endpoint_size,
        }
        log("cli cold start")
        run["cold"] = cli_cold(max(repeat, 5))  # start-up is short: at least 5 even in --quick
        log("validation (mla-kg validate here and at the baseline commit)")
        run["validation"] = probe("validate", "--repeat", "1")
        run["validation_cli"] = validation_cli(min(repeat, 3))
        run["embedded"] = embedded(sizes, repeat, rdflib_limit=120.0)
        engine_size = "100k" if "100k" in sizes else sizes[-1]
        log(f"engine-only comparison queries at {engine_size}")
        run["engine_only"] = {"size": engine_size, "first": engine_only(engine_size, repeat)}
        run["served"] = endpoint_matrix(args.endpoint_size, repeat, seconds)
        log("fairness: simple queries while four clients misbehave")
        run["fairness"] = fairness.measure(20.0 if not args.quick else 8.0)
        run["minutes"] = (time.time() - started) / 60
        CACHE.mkdir(exist_ok=True)
        last_run.write_text(json.dumps(run, indent=1, default=str))

    args.output.write_text(render(**run), encoding="utf-8")
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
