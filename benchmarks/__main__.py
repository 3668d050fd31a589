"""Run every benchmark at one size and write the results files.

    python -m benchmarks --size council            # `make bench` (SIZE=small|council|national)
    python -m benchmarks --size national --only pages --reuse   # re-run one figure

Steps: generate the data in the benchmark database (BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/eia_bench; created if missing, wiped and
migrated each time), then the figures: audit verify, the reminder sweep, the dashboard, the
annual report,
email throughput, the pages under load. Results: benchmarks/results/<size>.json and .md.
A figure that fails is reported as such (and the exit status is 1); the others still run.
"""

import argparse
import json
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

from eia.db import make_engine
from eia.words import plural

from . import annual, audit_verify, dashboard, generate, mail, pages, report, sweep
from .config import RESULTS, SIZES, database_url, ensure_database, size_named

FIGURES = ("audit_verify", "sweep", "dashboard", "annual", "email", "pages")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", default="council", choices=tuple(SIZES))
    parser.add_argument("--eias", type=int, help="override the size's number of EIAs")
    parser.add_argument("--only", help=f"comma-separated figures: {', '.join(FIGURES)}")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the data already generated for this size (if it is)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--name", help="results file name (default: the size)")
    parser.add_argument("--seed", type=int, default=generate.SEED)
    args = parser.parse_args(argv)
    only = tuple(f.strip() for f in args.only.split(",")) if args.only else FIGURES
    unknown = set(only) - set(FIGURES)
    if unknown:
        parser.error(f"{plural(len(unknown), 'unknown figure')}: {', '.join(sorted(unknown))}")
    size = size_named(args.size, args.eias)
    name = args.name or args.size
    url = database_url()
    ensure_database(url)
    started = time.perf_counter()
    engine = make_engine(url)
    results_file = args.out / f"{name}.json"
    previous = json.loads(results_file.read_text()) if results_file.exists() else None
    results = {
        "size": args.size,
        "date": report.now_text(),
        "machine": report.machine(engine),
        "figures": {},
        "errors": {},
    }
    if previous and set(only) != set(FIGURES):
        # A partial run updates the figures it ran and keeps the others.
        results = {
            **previous,
            "figures": dict(previous.get("figures", {})),
            "errors": {k: v for k, v in previous.get("errors", {}).items() if k not in only},
            "reruns": dict(previous.get("reruns", {})),
        }
        for figure in only:
            results["reruns"][figure] = report.now_text()

    # --- the data
    today = generate.last_working_day(date.today())
    held = generate.marker(url)
    if (
        args.reuse
        and held
        and held.get("size") == size.name
        and held.get("eias") == size.eias
        and held.get("seed") == args.seed
        and held.get("today") == today.isoformat()
    ):
        log(f"Reusing the {size.name} data already in the database ({size.eias:,} EIAs).")
        from eia.migrate import upgrade

        upgrade(engine)  # the schema at head (a migration may have come since)
        data = {**held, "reused": True}
    else:
        log(f"Generating {size.eias:,} EIAs ({size.name}) in {url.rsplit('/', 1)[-1]} ...")
        engine.dispose()
        data = generate.generate(size, url, today=today, seed=args.seed)
    if not (args.reuse and previous and set(only) != set(FIGURES)):
        results["data"] = data
    today = date.fromisoformat(data["today"])
    base_env = dict(os.environ)

    steps = {
        "audit_verify": lambda: audit_verify.run(engine, log=log),
        "sweep": lambda: sweep.run(engine, today, log=log),
        "dashboard": lambda: dashboard.run(engine, url, size, _london_today(), log=log),
        "annual": lambda: annual.run(engine, url, size, _london_today(), log=log),
        "email": lambda: mail.run(engine, url, size.emails, today, base_env, log=log),
        "pages": lambda: pages.run(engine, url, size, base_env, log=log),
    }
    for figure in FIGURES:
        if figure not in only:
            continue
        log(f"{figure} ...")
        t0 = time.perf_counter()
        try:
            results["figures"][figure] = steps[figure]()
            results["figures"][figure]["run_seconds"] = round(time.perf_counter() - t0, 1)
        except Exception as exc:  # noqa: BLE001 - reported in the results, exit status 1
            traceback.print_exc()
            results["figures"][figure] = {"error": f"{type(exc).__name__}: {exc}"}
            results["errors"][figure] = f"{type(exc).__name__}: {exc}"
    engine.dispose()
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["run_seconds"] = (
        round(time.perf_counter() - started, 1)
        if set(only) == set(FIGURES)
        else results.get("run_seconds")
    )
    js, md = report.write(results, args.out, name)
    log(f"Results: {md} and {js.name}")
    return 1 if results["errors"] else 0


def _london_today() -> date:
    from eia.models import london_date, utcnow

    return london_date(utcnow())


if __name__ == "__main__":
    sys.exit(main())
