"""The results files: ``<name>.json`` (every figure) and ``<name>.md`` (tables to read)."""

import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

SHARED_NOTE = (
    "The machine was shared: other work used its 2 cores during the run (see the "
    "load averages), so absolute figures are pessimistic and vary from run to "
    "run; the ratios to baselines measured in the same run are steadier."
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _redis_version() -> str | None:
    binary = shutil.which("redis-server")
    if not binary:
        return None
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    for part in out.split():
        if part.startswith("v="):
            return part[2:]
    return out.strip() or None


def machine(engine: sa.Engine) -> dict:
    with engine.connect() as conn:
        pg = conn.execute(sa.text("SHOW server_version")).scalar()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": _redis_version(),
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- markdown -----------------------------------------------------------------------------------


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.2g}" if abs(value) < 1 and value else f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _not_measured(fig) -> str | None:
    if fig is None:
        return "not measured in this run"
    if "error" in fig:
        return f"not measured: {fig['error']}"
    if fig.get("measured") is False:
        return fig.get("reason", "not measured")
    return None


def _header(r: dict) -> list[str]:
    """The title, the machine and the data generated."""
    m, data = r["machine"], r.get("data", {})
    out = [
        f"# Benchmarks: {r['size']} ({_fmt(data.get('eias'))} EIAs)",
        "",
        f"Run on {r['date']} by `python -m benchmarks --size {r['size']}` "
        f"(`make bench SIZE={r['size']}`) in {_fmt(r.get('run_seconds'))} s "
        f"(generating the data: {_fmt(data.get('seconds'))} s"
        f"{', reused from an earlier run' if data.get('reused') else ''}).",
        "",
        f"**{SHARED_NOTE}**",
        "",
        "## Machine",
        "",
    ]
    out += _table(
        [
            "CPU",
            "cores",
            "RAM",
            "Python",
            "PostgreSQL",
            "Redis",
            "load average (1, 5, 15 min) at start",
            "at end",
        ],
        [
            [
                m["cpu"],
                m["cores"],
                f"{m['ram_gib']} GiB",
                m["python"],
                m["postgresql"],
                m["redis"],
                ", ".join(map(str, m["load_average_at_start"])),
                ", ".join(map(str, r.get("load_average_at_end", []))),
            ]
        ],
    )
    if r.get("reruns"):
        out += [
            "Figures re-run later in a separate invocation: "
            + "; ".join(f"{k} on {v}" for k, v in r["reruns"].items())
            + ".",
            "",
        ]
    out += [
        "## Data",
        "",
        f"Generated for the working day {data.get('today')} "
        f"(seed {data.get('seed')}): EIAs by state, and rows by table.",
        "",
    ]
    states = data.get("states", {})
    out += _table(list(states), [list(states.values())]) if states else []
    rows = data.get("rows", {})
    out += _table(["table", "rows"], [[k, v] for k, v in rows.items()]) if rows else []
    return out


def markdown(r: dict) -> str:
    figs = r["figures"]
    out = _header(r)
    out += ["## 1. Pages under load", ""]
    pages = figs.get("pages")
    if _not_measured(pages):
        out += [_not_measured(pages), ""]
    else:
        h = pages["baseline_hello"]
        out += [
            f"{pages['clients']} concurrent clients (threads, persistent http.client "
            f"connections) against gunicorn with {pages['gunicorn_workers']} sync workers, "
            f"{_fmt(pages['seconds_per_page'])} s per page after a "
            f"{_fmt(pages['warmup_seconds'])} s warm-up, signed in through the real "
            "sign-in form. Baseline: a bare Flask page (`benchmarks/hello_app.py`) served "
            "the same way. Ratios: requests/s ÷ the baseline's; latency × the baseline's.",
            "",
        ]
        rows = [
            [
                "bare Flask page (baseline)",
                h["requests_per_second"],
                h["p50_ms"],
                h["p95_ms"],
                1.0,
                1.0,
                1.0,
                h["requests"],
                h["errors"],
            ]
        ]
        for p in pages["pages"].values():
            if "skipped" in p:
                rows.append([p["label"], p["skipped"], "", "", "", "", "", "", ""])
                continue
            rows.append(
                [
                    p["label"],
                    p["requests_per_second"],
                    p["p50_ms"],
                    p["p95_ms"],
                    p["rps_ratio_to_hello"],
                    p["p50_ratio_to_hello"],
                    p["p95_ratio_to_hello"],
                    p["requests"],
                    p["errors"],
                ]
            )
        out += _table(
            [
                "page",
                "requests/s",
                "p50 ms",
                "p95 ms",
                "req/s ratio",
                "p50 ratio",
                "p95 ratio",
                "requests",
                "errors",
            ],
            rows,
        )

    out += ["## 2. Dashboard", ""]
    d = figs.get("dashboard")
    if _not_measured(d):
        out += [_not_measured(d), ""]
    else:
        page = d.get("page", {})
        out += [
            "`eia.reporting.figures.dashboard(session, Filters())` over every EIA, each "
            "run in a fresh session, against ONE hand-written SQL statement computing "
            "the same figures (`benchmarks/dashboard.py`, `BASELINE_SQL`); the two "
            "answers are compared figure by figure.",
            "",
        ]
        out += _table(
            ["", "p50 ms", "p95 ms", "min ms", "runs", "SQL statements"],
            [
                [
                    "dashboard()",
                    d["function"]["p50_ms"],
                    d["function"]["p95_ms"],
                    d["function"]["min_ms"],
                    d["function"]["runs"],
                    d["function_statements"],
                ],
                [
                    "single hand-written query",
                    d["single_query"]["p50_ms"],
                    d["single_query"]["p95_ms"],
                    d["single_query"]["min_ms"],
                    d["single_query"]["runs"],
                    1,
                ],
                ["ratio", d["p50_ratio"], d["p95_ratio"], "", "", ""],
            ],
        )
        out += [
            f"- Same figures from both: {_fmt(d['same_figures'])}"
            + (
                f" (differ: {', '.join(d['figures_that_differ'])})"
                if d["figures_that_differ"]
                else ""
            ),
            f"- SQL statements per dashboard page (GET /dashboard, whole request, signed "
            f"in as an equality officer): {_fmt(page.get('statements'))} "
            f"(status {page.get('status')}, {_fmt(page.get('ms'))} ms in-process)"
            + (f" — {page['error']}" if "error" in page else ""),
            "",
        ]

    out += ["## 3. Reminder sweep (finding step)", ""]
    s = figs.get("sweep")
    if _not_measured(s):
        out += [_not_measured(s), ""]
    else:
        out += [
            "`notifications.reminders.due_reminders(session, today, cfg)`: every rule's "
            "query and the reminders it makes (nothing written or sent).",
            "",
        ]
        out += _table(
            ["working day", "reminders found", "p50 ms", "min ms", "max ms", "SQL statements"],
            [
                [
                    s["today"],
                    s["reminders_found"],
                    s["p50_ms"],
                    s["min_ms"],
                    s["max_ms"],
                    s["statements"],
                ]
            ],
        )
        out += ["By rule: " + ", ".join(f"{k} {_fmt(v)}" for k, v in s["by_rule"].items()), ""]
        w = s.get("whole_sweep")
        if w:
            out += [
                "The whole sweep, `notifications.reminders.sweep_reminders`, writes included "
                "(in a transaction rolled back), then the same sweep again at once (every "
                f"row already there, nothing written); {_fmt(w['statements_both'])} SQL "
                "statements for both:",
                "",
            ]
            out += _table(
                ["run", "rows written", "p50 ms", "min ms", "max ms"],
                [
                    [
                        "first",
                        w["written"],
                        *(w["first"][k] for k in ("p50_ms", "min_ms", "max_ms")),
                    ],
                    ["again", 0, *(w["again"][k] for k in ("p50_ms", "min_ms", "max_ms"))],
                ],
            )
        ws = s.get("writes")
        if ws:
            out += [
                f"The write step alone, the same {_fmt(ws['rows'])} rows both ways in turns, "
                f"same run (load average {', '.join(map(str, s.get('load_average', [])))}):",
                "",
            ]
            out += _table(
                ["write", "p50 ms", "min ms", "max ms"],
                [[k, v["p50_ms"], v["min_ms"], v["max_ms"]] for k, v in ws.items() if k != "rows"],
            )
        for note in s.get("compared_with", []):
            out += [f"- {note}"]
        if s.get("compared_with"):
            out += [""]

    out += ["## 4. Email throughput", ""]
    e = figs.get("email")
    if _not_measured(e):
        out += [_not_measured(e), ""]
    else:
        out += [
            "Reminder emails from the outbox through Celery (prefork, "
            f"{e['worker_concurrency']} processes) and a redis-server of our own "
            f"(Redis {e.get('redis_version')}) to an aiosmtpd server in the benchmark "
            "process; counted at the server by Message-ID.",
            "",
        ]
        out += _table(
            [
                "emails",
                "seconds",
                "emails/s",
                "received",
                "lost",
                "duplicated",
                "each sent exactly once",
                "attempts",
            ],
            [
                [
                    e["emails"],
                    e.get("seconds"),
                    e.get("emails_per_second"),
                    e.get("received"),
                    e.get("lost"),
                    e.get("duplicated"),
                    e.get("each_sent_once"),
                    e.get("attempts"),
                ]
            ],
        )
        for note in e.get("compared_with", []):  # runs of other code, close in time
            out += [f"- {note}"]
        if e.get("compared_with"):
            out += [""]

    out += ["## 5. Audit verify", ""]
    a = figs.get("audit_verify")
    if _not_measured(a):
        out += [_not_measured(a), ""]
    else:
        out += _table(
            ["records", "checked", "seconds", "records/s", "intact"],
            [[a["records"], a["checked"], a["seconds"], a["records_per_second"], a["ok"]]],
        )
        if a.get("baseline_records_per_second"):
            out += [
                "Streamed through the driver's cursor (`eia/audit.py`), against the former "
                "walk measured in the same run (pages of 5,000 rows through SQLAlchemy "
                "Core, a json.dumps per record; `benchmarks/audit_verify.py`), "
                f"{len(a.get('runs_seconds', []))} runs each, alternately, means:",
                "",
            ]
            cpu = (
                "CPU s (process + PostgreSQL)"
                if a.get("cpu_includes_database_server")
                else "CPU s (this process)"
            )
            out += _table(
                ["", "seconds", "records/s", "runs (s)", cpu, "records per CPU s"],
                [
                    [
                        "verify (streamed)",
                        a["seconds"],
                        a["records_per_second"],
                        ", ".join(map(str, a.get("runs_seconds", []))),
                        a.get("cpu_seconds"),
                        a.get("records_per_cpu_second"),
                    ],
                    [
                        "former walk (baseline)",
                        a["baseline_seconds"],
                        a["baseline_records_per_second"],
                        ", ".join(map(str, a.get("baseline_runs_seconds", []))),
                        a.get("baseline_cpu_seconds"),
                        a.get("baseline_records_per_cpu_second"),
                    ],
                    [
                        "ratio",
                        "",
                        a.get("ratio_to_baseline"),
                        "",
                        "",
                        a.get("cpu_ratio_to_baseline"),
                    ],
                ],
            )
            if a.get("peak_rss_growth_mib") is not None:
                out += [
                    f"- Peak memory growth while verifying (VmHWM over the RSS at the "
                    f"start): {a['peak_rss_growth_mib']} MiB",
                    "",
                ]

    out += ["## 6. Memory (peak RSS, VmHWM)", ""]
    rows = []
    if pages and not _not_measured(pages):
        wm, hm = pages.get("web_memory") or {}, pages.get("baseline_memory") or {}
        rows.append(
            [
                "gunicorn web worker (product), after the page runs",
                wm.get("max_child_mib"),
                ", ".join(map(str, wm.get("children_mib", []))),
                wm.get("master_mib"),
            ]
        )
        rows.append(
            [
                "gunicorn web worker (bare Flask baseline)",
                hm.get("max_child_mib"),
                ", ".join(map(str, hm.get("children_mib", []))),
                hm.get("master_mib"),
            ]
        )
    if e and not _not_measured(e):
        cm = e.get("worker_memory") or {}
        rows.append(
            [
                "Celery worker, after the email run",
                cm.get("max_child_mib"),
                ", ".join(map(str, cm.get("children_mib", []))),
                cm.get("master_mib"),
            ]
        )
    out += (
        _table(
            ["process", "largest worker MiB", "each worker / pool child MiB", "master MiB"], rows
        )
        if rows
        else ["not measured in this run", ""]
    )
    out += ["## 7. Annual equality report", ""]
    a7 = figs.get("annual")
    if _not_measured(a7):
        out += [_not_measured(a7), ""]
    else:
        page = a7.get("page", {})
        out += [
            f"`eia.reporting.annual.annual_report(session, year)` for {a7['year']} with five "
            f"years of trend ({_fmt(a7['decisions'])} decisions in the year, "
            f"{_fmt(a7['figures'])} figures, each with its list), each run in a fresh session.",
            "",
        ]
        out += _table(
            ["", "p50 ms", "p95 ms", "min ms", "runs", "SQL statements"],
            [
                [
                    "annual_report()",
                    a7["function"]["p50_ms"],
                    a7["function"]["p95_ms"],
                    a7["function"]["min_ms"],
                    a7["function"]["runs"],
                    a7["function_statements"],
                ]
            ],
        )
        out += [
            f"- SQL statements per report page (GET /reports/annual, whole request): "
            f"{_fmt(page.get('statements'))} (status {page.get('status')}, "
            f"{_fmt(page.get('ms'))} ms in-process)"
            + (f" — {page['error']}" if "error" in page else ""),
            "",
        ]

    if r.get("errors"):
        out += ["## Errors", ""] + [f"- {k}: {v}" for k, v in r["errors"].items()] + [""]
    return "\n".join(out)


def write(results: dict, directory: Path, name: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    js, md = directory / f"{name}.json", directory / f"{name}.md"
    js.write_text(json.dumps(results, indent=2, default=str) + "\n")
    md.write_text(markdown(results))
    return js, md
