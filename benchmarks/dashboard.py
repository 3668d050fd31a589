"""Figure 2: the Policy and Equality Unit's dashboard.

- ``eia.reporting.figures.dashboard(session, Filters())`` (no filter: every EIA), p50/p95
  over repeated runs, each in a fresh session as a request would be;
- as a ratio to ONE hand-written SQL statement (``BASELINE_SQL``, PostgreSQL) computing the
  same figures with per-EIA facts aggregated once (GROUP BY, GROUPING SETS, percentile_cont)
  instead of correlated subqueries, reading the same summaries as the product (the spells
  in ``stage_spell``, each version's decision in ``eia_decision`` and what each EIA has been
  through, on ``eia``); its answers are compared with the product's, figure by figure, so
  the ratio compares like with like (``same_figures``);
- the number of SQL statements the function and the page (GET /dashboard, signed in for
  real as an equality officer) run, counted with a ``before_cursor_execute`` listener: it
  must not grow with the data.
"""

import re
import time
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from .config import PASSWORD, percentile, ratio

BASELINE_SQL = """
WITH
engaged AS (SELECT DISTINCT eia_id FROM engagement_record),
overdue AS (
    SELECT eia_id, count(*) AS n FROM action_item
    WHERE status IN ('proposed', 'planned', 'in_progress') AND due_date < :today
    GROUP BY eia_id),
gap_no_action AS (
    SELECT i.eia_id FROM impact_assessment i
    WHERE i.evidence_gap AND NOT EXISTS (
        SELECT 1 FROM action_item a WHERE a.impact_id = i.id AND a.status <> 'cancelled')
    UNION
    SELECT x.eia_id FROM intersectional_impact x
    WHERE x.evidence_gap AND NOT EXISTS (
        SELECT 1 FROM action_item a
        WHERE a.intersectional_impact_id = x.id AND a.status <> 'cancelled')),
base AS (
    SELECT e.id, e.status, e.directorate_id, e.decision_date, e.review_date, e.outcome,
           e.ever_fully_assessed AS fa, e.ever_screened_out AND NOT e.ever_fully_assessed AS so,
           en.eia_id IS NOT NULL AS engaged,
           coalesce(od.n, 0) AS overdue_actions,
           g.eia_id IS NOT NULL AS gap_no_action,
           e.outcome = '3' AND (coalesce(trim(e.justification_legitimate_aim), '') = ''
               OR coalesce(trim(e.justification_less_harmful), '') = ''
               OR coalesce(trim(e.justification_proportionate), '') = '') AS o3_unjustified,
           (e.status IN ('approved', 'under_review') AND e.review_date < :today) AS review_past
    FROM eia e
    LEFT JOIN engaged en ON en.eia_id = e.id
    LEFT JOIN overdue od ON od.eia_id = e.id
    LEFT JOIN (SELECT DISTINCT eia_id FROM gap_no_action) g ON g.eia_id = e.id),
decisions AS (
    -- One per version: its own date (frozen once signed off), left out for the version an
    -- EIA was withdrawn in; quarter 0 stands for "no decision date recorded".
    SELECT directorate_id, signed, late, decided_on,
           CASE WHEN decided_on IS NULL THEN 0 ELSE
           (EXTRACT(year FROM decided_on)::int
               - CASE WHEN EXTRACT(month FROM decided_on) < 4 THEN 1 ELSE 0 END) * 10
           + CASE WHEN EXTRACT(month FROM decided_on) < 4 THEN 4
                  WHEN EXTRACT(month FROM decided_on) <= 6 THEN 1
                  WHEN EXTRACT(month FROM decided_on) <= 9 THEN 2 ELSE 3 END END AS quarter
    FROM (SELECT e.directorate_id, d.signed_off_at IS NOT NULL AS signed, d.late,
                 CASE WHEN d.signed_off_at IS NOT NULL THEN d.decision_date
                      ELSE e.decision_date END AS decided_on
          FROM eia_decision d JOIN eia e ON e.id = d.eia_id
          WHERE (d.signed_off_at IS NOT NULL OR e.decision_date IS NOT NULL)
            AND NOT (e.status = 'withdrawn' AND d.version = e.version)) v),
totals AS (
    SELECT json_build_object(
        'total', count(*),
        'reviews_past_date', count(*) FILTER (WHERE review_past AND status = 'approved'),
        'reviews_under_review', count(*) FILTER (WHERE review_past AND status = 'under_review'),
        'reviews_overdue', count(*) FILTER (WHERE review_past),
        'eias_with_overdue_actions', count(*) FILTER (
            WHERE overdue_actions > 0 AND status NOT IN ('withdrawn', 'archived')),
        'overdue_actions', coalesce(sum(overdue_actions) FILTER (
            WHERE status NOT IN ('withdrawn', 'archived')), 0),
        'screened_out', count(*) FILTER (WHERE so),
        'fully_assessed', count(*) FILTER (WHERE fa),
        'screening_decided', count(*) FILTER (WHERE so OR fa),
        'outcomes', json_build_object(
            '1', count(*) FILTER (WHERE outcome = '1'), '2', count(*) FILTER (WHERE outcome = '2'),
            '3', count(*) FILTER (WHERE outcome = '3'), '4', count(*) FILTER (WHERE outcome = '4')),
        'flags', json_build_object(
            'late_sign_off', (SELECT count(*) FROM decisions
                              WHERE signed AND decided_on IS NOT NULL AND late),
            'no_decision_date', (SELECT count(*) FROM decisions
                                 WHERE signed AND decided_on IS NULL),
            'no_engagement', count(*) FILTER (WHERE status IN ('awaiting_sign_off', 'approved',
                'under_review', 'archived') AND fa AND NOT engaged),
            'gaps_without_actions', count(*) FILTER (WHERE status <> 'withdrawn'
                AND gap_no_action),
            'outcome_3_unjustified', count(*) FILTER (WHERE status <> 'withdrawn'
                AND o3_unjustified),
            'review_overdue', count(*) FILTER (WHERE review_past))
    ) AS j FROM base),
states AS (
    SELECT json_object_agg(status, n) AS j
    FROM (SELECT status, count(*) AS n FROM base GROUP BY status) s),
completion AS (
    SELECT json_agg(json_build_array(directorate_id, quarter, on_time, late, no_date, missed,
                                     upcoming, due)) AS j
    FROM (
        SELECT c.directorate_id, c.quarter,
               count(*) FILTER (WHERE signed AND decided_on IS NOT NULL AND NOT late) AS on_time,
               count(*) FILTER (WHERE signed AND decided_on IS NOT NULL AND late) AS late,
               count(*) FILTER (WHERE signed AND decided_on IS NULL) AS no_date,
               count(*) FILTER (WHERE NOT signed AND decided_on < :today) AS missed,
               count(*) FILTER (WHERE NOT signed AND decided_on >= :today) AS upcoming,
               count(*) FILTER (WHERE signed OR decided_on < :today) AS due
        FROM decisions c JOIN directorate d ON d.id = c.directorate_id
        GROUP BY GROUPING SETS ((c.directorate_id, c.quarter), (c.quarter), ())) c),
stages AS (
    SELECT json_object_agg(stage, json_build_array(median, n)) AS j
    FROM (SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
                 count(*) AS n
          FROM stage_spell WHERE left_at IS NOT NULL GROUP BY stage) s),
impacts AS (
    SELECT i.characteristic_id,
           count(*) FILTER (WHERE i.evidence_gap
               AND coalesce(trim(i.evidence_gap_reason), '') <> ''
               AND e.status <> 'withdrawn') AS gaps,
           count(*) FILTER (WHERE i.direction = 'negative' AND i.residual_likelihood IS NOT NULL
               AND i.residual_severity IS NOT NULL
               AND e.status IN ('approved', 'under_review', 'archived')) AS negative,
           count(*) FILTER (WHERE i.direction = 'negative' AND e.status IN ('approved',
               'under_review', 'archived')
               AND i.residual_likelihood * i.residual_severity <= 2) AS negligible,
           count(*) FILTER (WHERE i.direction = 'negative' AND e.status IN ('approved',
               'under_review', 'archived')
               AND i.residual_likelihood * i.residual_severity BETWEEN 3 AND 4) AS low,
           count(*) FILTER (WHERE i.direction = 'negative' AND e.status IN ('approved',
               'under_review', 'archived')
               AND i.residual_likelihood * i.residual_severity BETWEEN 5 AND 9) AS medium,
           count(*) FILTER (WHERE i.direction = 'negative' AND e.status IN ('approved',
               'under_review', 'archived')
               AND i.residual_likelihood * i.residual_severity >= 10) AS high
    FROM impact_assessment i JOIN eia e ON e.id = i.eia_id
    GROUP BY i.characteristic_id),
by_characteristic AS (
    SELECT json_agg(json_build_array(characteristic_id, gaps, negative, negligible, low,
                                     medium, high)) AS j FROM impacts)
SELECT json_build_object('totals', (SELECT j FROM totals), 'states', (SELECT j FROM states),
                         'completion', (SELECT j FROM completion),
                         'stages', (SELECT j FROM stages),
                         'characteristics', (SELECT j FROM by_characteristic))
"""


def baseline(session: Session, today: date) -> dict:
    return session.execute(sa.text(BASELINE_SQL), {"today": today}).scalar_one()


# --- the same figures from both, to compare --------------------------------------------------

NO_DATE = 0  # the baseline's quarter for approvals with no decision date recorded


def _parts(c) -> tuple:
    return c.on_time, c.late, c.no_date, c.missed, c.upcoming, c.due


def _from_product(d) -> dict:
    completion = set()
    for c in d.completion:
        completion.add((c.directorate_id, c.quarter.key if c.quarter else NO_DATE, *_parts(c)))
    for c in d.completion_by_quarter:
        completion.add((None, c.quarter.key if c.quarter else NO_DATE, *_parts(c)))
    completion.add((None, None, *_parts(d.completion_total)))
    return {
        "total": d.total_eias,
        "states": {k: int(v) for k, v in d.states.items()},
        "reviews": (d.reviews_past_date, d.reviews_under_review, d.reviews_overdue),
        "overdue_actions": (d.overdue_actions, d.eias_with_overdue_actions),
        "screening": (d.screened_out, d.fully_assessed, d.screening_decided),
        "outcomes": {k: int(v) for k, v in d.outcomes.items()},
        "flags": {k: int(v) for k, v in d.flags.items()},
        "completion": completion,
        "stages": {
            s: (round(v.median_days, 4) if v.median_days is not None else None, v.spells)
            for s, v in d.stages.items()
        },
        "gaps": ({g.characteristic_id: g.count for g in d.evidence_gaps}, d.evidence_gaps_total),
        "negative": {
            n.characteristic_id: (
                n.total,
                n.by_band["negligible"],
                n.by_band["low"],
                n.by_band["medium"],
                n.by_band["high"],
            )
            for n in d.negative_impacts
        },
    }


def _from_baseline(b: dict, stage_names) -> dict:
    t = b["totals"]
    stages = b["stages"] or {}
    chars = b["characteristics"] or []
    return {
        "total": t["total"],
        "states": b["states"] or {},
        "reviews": (t["reviews_past_date"], t["reviews_under_review"], t["reviews_overdue"]),
        "overdue_actions": (t["overdue_actions"], t["eias_with_overdue_actions"]),
        "screening": (t["screened_out"], t["fully_assessed"], t["screening_decided"]),
        "outcomes": t["outcomes"],
        "flags": t["flags"],
        "completion": {tuple(row) for row in (b["completion"] or [])},
        "stages": {
            s: (round(stages[s][0], 4), stages[s][1]) if s in stages else (None, 0)
            for s in stage_names
        },
        "gaps": ({c[0]: c[1] for c in chars if c[1]}, sum(c[1] for c in chars)),
        "negative": {c[0]: tuple(c[2:]) for c in chars if c[2]},
    }


def compare(product: dict, base: dict) -> list[str]:
    return [k for k in product if product[k] != base.get(k)]


# --- counting statements -------------------------------------------------------------------


class StatementCounter:
    def __init__(self, engine: sa.Engine):
        self.engine, self.count = engine, 0

    def _on(self, *_args):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._on)


def _timed(fn, runs: int, budget: float = 90.0) -> tuple[list[float], object]:
    """Up to ``runs`` runs, fewer (at least 3) when they would take more than ``budget``
    seconds in all."""
    times, result = [], None
    started = time.perf_counter()
    while len(times) < runs:
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return times, result


def _summary(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "p50_ms": round(percentile(times, 50) * 1000, 2),
        "p95_ms": round(percentile(times, 95) * 1000, 2),
        "min_ms": round(min(times) * 1000, 2),
    }


def page_statements(engine: sa.Engine, url: str, path: str = "/dashboard") -> dict:
    """GET ``path`` (the dashboard) in this process (Flask's test client), signed in through
    the real form as an equality officer: how many statements the whole request runs."""
    from eia import create_app

    app = create_app(
        {
            "ENGINE": engine,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )
    with engine.connect() as conn:
        email = conn.execute(
            sa.text(
                "SELECT email FROM app_user WHERE role = 'equality_officer' ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if signed.status_code != 302:
        raise RuntimeError(f"sign-in as {email} gave {signed.status_code}")
    client.get(path)  # warm: templates compiled, characteristics cached
    with StatementCounter(engine) as counter:
        t0 = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - t0
    return {
        "status": response.status_code,
        "statements": counter.count,
        "ms": round(elapsed * 1000, 1),
    }


def run(engine: sa.Engine, url: str, size, today: date, log=print) -> dict:
    try:
        from eia.reporting.figures import dashboard
        from eia.reporting.filters import Filters
        from eia.reporting.stages import STAGES
    except ImportError as exc:
        return {"measured": False, "reason": f"not measured: dashboard not present ({exc})"}

    def product():
        with Session(engine) as session:
            return dashboard(session, Filters(), today)

    def hand_written():
        with Session(engine) as session:
            return baseline(session, today)

    product()
    hand_written()  # warm both (plans, caches)
    with StatementCounter(engine) as counter:
        d = product()
    statements = counter.count
    log(f"  dashboard(): {statements} SQL statements; timing {size.dashboard_runs} runs")
    p_times, d = _timed(product, size.dashboard_runs)
    log("  the hand-written single query")
    b_times, b = _timed(hand_written, size.dashboard_runs)
    mismatched = compare(_from_product(d), _from_baseline(b, STAGES))
    out = {
        "measured": True,
        "eias": d.total_eias,
        "today": today.isoformat(),
        "function": _summary(p_times),
        "single_query": _summary(b_times),
        "function_statements": statements,
        "same_figures": not mismatched,
        "figures_that_differ": mismatched,
    }
    out["p50_ratio"] = ratio(out["function"]["p50_ms"], out["single_query"]["p50_ms"])
    out["p95_ratio"] = ratio(out["function"]["p95_ms"], out["single_query"]["p95_ms"])
    try:
        out["page"] = page_statements(engine, url)
    except Exception as exc:  # noqa: BLE001 - the page is reported, never fatal
        out["page"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out
