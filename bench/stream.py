"""Streamed batches through the command line: peak memory against the number of forms, and --jobs scaling.

    python bench/stream.py --forms 100000            # writes the forms under /tmp once, then measures
    python bench/stream.py --forms 10000 --jobs 1 2

The forms (bench_forms.py, as JSON files in folders of 1 000) are written to ``--dir`` if not there yet;
they are test data, never committed. Each measurement runs ``formaudit check FOLDERS --format jsonl -o
FILE`` in a fresh process and reports wall time, forms/s, the peak RSS of the main process and, with
--jobs, the largest peak RSS of a worker. Sizes are the prefixes 1 000, 10 000, … up to --forms, so that
flat memory shows as the same peak at every size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_forms  # noqa: E402

PER_FOLDER = 1000
_MEASURE = """
import resource, sys
from formaudit.cli import main
code = main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"@@rss {own} {kids} {code}", file=sys.stderr)
"""


def write_forms(folder: Path, n: int, seed: int = 2021, form_type: str = bench_forms.DEPT) -> None:
    done = folder / f".complete-{n}"
    if done.exists():
        return
    for i, (_, form) in enumerate(bench_forms.GENERATORS[form_type](n, seed)):
        sub = folder / f"{i // PER_FOLDER:04d}"
        if i % PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"form-{i:07d}.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    done.write_text("")


def measure(folder: Path, n: int, jobs: int, out: Path) -> dict:
    folders = [str(folder / f"{k:04d}") for k in range((n + PER_FOLDER - 1) // PER_FOLDER)]
    argv = [sys.executable, "-c", _MEASURE, "check", *folders, "--format", "jsonl", "-o", str(out),
            "--jobs", str(jobs), "--progress", "never", "--fail-on", "never"]
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    line = next((x for x in proc.stderr.splitlines() if x.startswith("@@rss")), None)
    if line is None or proc.returncode != 0:
        raise SystemExit(f"formaudit check failed ({proc.returncode}): {proc.stderr[-2000:]}")
    own, kids, code = map(int, line.split()[1:])
    with open(out, "rb") as fh:
        lines = sum(1 for _ in fh)
    return {"forms": n, "jobs": jobs, "seconds": seconds, "forms_per_s": n / seconds, "peak_rss_mib": own / 1024,
            "worker_peak_rss_mib": kids / 1024 if jobs > 1 else None, "exit": code, "jsonl_lines": lines}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=100000)
    parser.add_argument("--dir", type=Path, default=None, help="where the forms are written (default /tmp/…)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="batch sizes to measure (default: 1000, 10000, … up to --forms)")
    parser.add_argument("--form-type", default=bench_forms.DEPT, choices=sorted(bench_forms.GENERATORS))
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    suffix = "" if args.form_type == bench_forms.DEPT else f"-{args.form_type}"
    folder = args.dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"formaudit-stream-{args.forms}{suffix}"
    if args.write_only:
        write_forms(folder, args.forms, form_type=args.form_type)
        return []
    t = time.perf_counter()
    # made in a separate process: Linux carries a parent's peak RSS into a child it forks, so this process
    # must stay small for the children's peaks to be their own
    subprocess.run([sys.executable, __file__, "--write-only", "--forms", str(args.forms), "--dir", str(folder),
                    "--form-type", args.form_type], check=True)
    print(f"forms in {folder} ({time.perf_counter() - t:.0f} s to make)", flush=True)
    sizes = args.sizes or [s for s in (1000, 10000, 100000, 1000000) if s < args.forms] + [args.forms]
    rows = []
    for jobs in args.jobs:
        for n in sizes:
            row = measure(folder, n, jobs, folder.parent / f"{folder.name}-out.jsonl")
            rows.append(row)
            workers = f", workers ≤ {row['worker_peak_rss_mib']:.0f} MiB" if row["worker_peak_rss_mib"] else ""
            print(f"jobs {jobs}: {n:>7} forms  {row['seconds']:7.1f} s  {row['forms_per_s']:6.0f} forms/s  "
                  f"peak RSS {row['peak_rss_mib']:.0f} MiB{workers}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
