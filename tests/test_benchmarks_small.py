"""The benchmarks at their small size, as `make bench SIZE=small` runs them, so they never rot.

Runs `python -m benchmarks --size small` against a PostgreSQL database of its own (with a
redis-server, a Celery worker and gunicorn it starts itself), then checks the results file
holds every figure with sane values: ratios above zero, no email lost or sent twice, the
audit trail intact, the dashboard's figures equal to the hand-written query's. A second,
smaller run (100 EIAs, the query-counting figures only) checks the number of SQL statements
of the dashboard and of the reminder sweep does not grow with the data.

Speed is never asserted: the figures are reported, not judged.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parent.parent


def _run(url: str, out: Path, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["BENCH_DATABASE_URL"] = url
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--out", str(out), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    name = args[args.index("--name") + 1] if "--name" in args else "small"
    assert (out / f"{name}.md").exists()
    return json.loads((out / f"{name}.json").read_text())


def test_small_benchmarks_report_every_figure(own_database, tmp_path):
    url = own_database.url.render_as_string(hide_password=False)
    own_database.dispose()
    results = _run(url, tmp_path, "--size", "small")
    assert results["errors"] == {}
    machine, figures = results["machine"], results["figures"]
    assert machine["cores"] >= 1 and machine["postgresql"] and machine["python"]
    assert results["data"]["eias"] == 200 and results["data"]["rows"]["audit_record"] > 1000
    # Some EIAs were revised: more decisions (one per version) than EIAs.
    assert results["data"]["rows"]["eia_decision"] > 200
    assert set(results["data"]["states"]) >= {
        "draft",
        "screening",
        "full_assessment",
        "awaiting_sign_off",
        "approved",
        "archived",
        "withdrawn",
    }

    pages = figures["pages"]
    assert pages["baseline_hello"]["requests_per_second"] > 0
    assert {"task_list", "sign_off", "approver_inbox"} <= set(pages["pages"])
    for page in pages["pages"].values():
        if page["label"] == "/dashboard" and "skipped" in page:
            continue  # reported as not measured when the page is not there
        assert page["errors"] == 0, page
        assert page["requests"] > 0 and page["requests_per_second"] > 0
        assert page["rps_ratio_to_hello"] > 0 and page["p50_ratio_to_hello"] > 0
        assert page["p95_ms"] >= page["p50_ms"] > 0
    assert pages["web_memory"]["max_child_mib"] > 0

    dashboard = figures["dashboard"]
    assert dashboard["measured"], dashboard
    assert dashboard["same_figures"], dashboard["figures_that_differ"]
    assert dashboard["p50_ratio"] > 0 and dashboard["function_statements"] > 0
    assert dashboard["page"]["status"] == 200 and dashboard["page"]["statements"] > 0

    annual = figures["annual"]
    assert annual["measured"] and annual["decisions"] > 0 and annual["figures"] > 0
    assert annual["function"]["p50_ms"] > 0 and annual["function_statements"] > 0
    assert annual["page"]["status"] == 200 and annual["page"]["statements"] > 0

    sweep = figures["sweep"]
    assert sweep["reminders_found"] > 0 and sweep["statements"] > 0 and sweep["p50_ms"] > 0

    email = figures["email"]
    assert email["each_sent_once"], email
    assert email["lost"] == 0 and email["duplicated"] == 0
    assert email["received"] == email["emails"] > 0 and email["emails_per_second"] > 0
    assert email["worker_memory"]["max_child_mib"] > 0

    verify = figures["audit_verify"]
    assert verify["ok"] and verify["checked"] == verify["records"] > 0
    assert verify["records_per_second"] > 0

    # The same statements with half the data: nothing runs a query per row.
    half = _run(
        url,
        tmp_path,
        "--size",
        "small",
        "--eias",
        "100",
        "--only",
        "dashboard,sweep,annual",
        "--name",
        "half",
    )
    assert half["data"]["eias"] == 100
    assert half["figures"]["dashboard"]["function_statements"] == dashboard["function_statements"]
    assert half["figures"]["dashboard"]["page"]["statements"] == dashboard["page"]["statements"]
    for key in ("function_statements",):
        assert half["figures"]["annual"][key] == annual[key]
    assert half["figures"]["annual"]["page"]["statements"] == annual["page"]["statements"]
    # The sweep skips a lookup when a rule finds nothing: compare like with like.
    if set(half["figures"]["sweep"]["by_rule"]) == set(sweep["by_rule"]):
        assert half["figures"]["sweep"]["statements"] == sweep["statements"]
    else:
        assert half["figures"]["sweep"]["statements"] <= sweep["statements"]
