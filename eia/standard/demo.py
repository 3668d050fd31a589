"""Other boroughs for the demo (and the tests): ``eia-practice/1`` feeds with different
practice, made up from a few numbers each, signed by each borough's own key, so the
comparison page shows something real on ``make run``. Nothing here reads the database;
``load_boroughs`` adds them through the audited operation, as an upload with its key.

Keys are derived from the borough's name (SHA-256 of it, as the 32-byte Ed25519 seed): fine
for a demo, never for a real council.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from eia.reporting.years import FinancialYear

from . import STANDARD
from .feed import OUTCOMES
from .signing import public_jwk, sign
from .suppression import SMALL, suppress

CHARACTERISTICS = (
    "Race",
    "Age",
    "Disability",
    "Gender reassignment",
    "Marriage and civil partnership",
    "Pregnancy and maternity",
    "Religion or belief",
    "Sex",
    "Sexual orientation",
)


@dataclass(frozen=True)
class Practice:
    name: str
    size: int  # decisions a year per directorate, about
    on_time: float  # share signed off before the decision
    published: float
    reviews: float
    actions: float
    signed_before: int  # median working days
    race: float  # share of decisions with a negative impact on race after mitigation
    improving: int  # points a year better


BOROUGHS = (
    Practice("London Borough of Northfield", 24, 0.82, 0.9, 0.75, 0.7, 12, 0.12, 3),
    Practice("Royal Borough of Eastgate", 14, 0.55, 0.6, 0.5, 0.55, 2, 0.2, 6),
    Practice("London Borough of Southwark Green", 30, 0.7, 0.95, 0.85, 0.8, 8, 0.08, 1),
    Practice("London Borough of Westmere", 9, 0.4, 0.45, 0.35, 0.5, -3, 0.25, 8),
)
DIRECTORATES = ("Adults and Health", "Children's Services", "Environment", "Resources")


def borough_key(name: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def _row(p: Practice, rng: random.Random, lift: float, scale: float) -> dict:
    n = max(0, round(p.size * scale * rng.uniform(0.6, 1.4)))
    approved = round(n * 0.85)
    screened = round(n * rng.uniform(0.3, 0.5))
    on_time = round(approved * max(0, min(1, p.on_time + lift)))
    late = approved - on_time
    missed = n - approved
    reviews = round(n * 0.4)
    actions = round(n * 1.5)
    outcome = [int(approved * s) for s in (0.6, 0.25, 0.1)]
    chars = {
        c: round(approved * (p.race if c == "Race" else rng.uniform(0.02, 0.15)))
        for c in CHARACTERISTICS
    }
    return {
        "screened_out": screened,
        "fully_assessed": n - screened,
        "approved": approved,
        "completion.on_time": on_time,
        "completion.late": late,
        "completion.missed": missed,
        "completion.no_decision_date": 0,
        "reviews.done": reviews,
        "reviews.on_time": round(reviews * max(0, min(1, p.reviews + lift))),
        "actions.due": actions,
        "actions.delivered": round(actions * max(0, min(1, p.actions + lift))),
        "published.count": round(approved * max(0, min(1, p.published + lift))),
        **{
            f"outcomes.{o}": v
            for o, v in zip(OUTCOMES, [*outcome, approved - sum(outcome)], strict=True)
        },
        **{f"negative.{c}": v for c, v in chars.items()},
        "_median": p.signed_before + round(lift * 20),
        "_n": approved,
    }


def _figures(name: str, total: bool, v: dict, hidden: set, address) -> dict:
    def c(field):
        return "<5" if (address, field) in hidden else v[field]

    shown = not {(address, "published.count"), (address, "approved")} & hidden
    return {
        "directorate": name,
        "total": total,
        "screened_out": c("screened_out"),
        "fully_assessed": c("fully_assessed"),
        "approved": c("approved"),
        "completion": {
            f: c(f"completion.{f}") for f in ("on_time", "late", "missed", "no_decision_date")
        },
        "median_working_days_signed_before": (
            None if not v["_n"] else v["_median"] if v["_n"] >= SMALL else "<5"
        ),
        "reviews": {"done": c("reviews.done"), "on_time": c("reviews.on_time")},
        "actions": {"due": c("actions.due"), "delivered": c("actions.delivered")},
        "published": {
            "count": c("published.count"),
            "share": round(v["published.count"] * 100 / v["approved"])
            if shown and v["approved"]
            else None,
        },
        "outcomes": {o: c(f"outcomes.{o}") for o in OUTCOMES},
        "negative_residual": [
            {"characteristic": ch, "decisions": c(f"negative.{ch}")} for ch in CHARACTERISTICS
        ],
    }


def borough_feed(p: Practice, today: date, years: int = 3) -> dict:
    """``p``'s signed feed for the current financial year and the ``years - 1`` before."""
    rng = random.Random(p.name)
    current = FinancialYear.of(today)
    # The current year is part-way through: fewer decisions so far.
    part = ((today - current.first_day).days + 1) / 365
    out = []
    for n in reversed(range(years)):
        year = current.previous(n)
        lift = -n * p.improving / 100
        scale = part if n == 0 else 1
        rows = {d: _row(p, rng, lift, scale) for d in DIRECTORATES}
        fields = [k for k in next(iter(rows.values())) if not k.startswith("_")]
        total = {k: sum(r[k] for r in rows.values()) for k in fields}
        signed = sorted(r["_median"] for r in rows.values())
        total["_median"], total["_n"] = signed[len(signed) // 2], total["approved"]
        rows["total"] = total
        values = {(a, f): r[f] for a, r in rows.items() for f in fields}
        sets = [[(d, f) for d in DIRECTORATES] + [("total", f)] for f in fields]
        sets += [[(a, f"outcomes.{o}") for o in OUTCOMES] + [(a, "approved")] for a in rows]
        hidden = suppress(values, sets)
        out.append(
            {
                "year": year.label,
                "first_day": year.first_day.isoformat(),
                "last_day": year.last_day.isoformat(),
                "directorates": [
                    *(_figures(d, False, rows[d], hidden, d) for d in DIRECTORATES),
                    _figures("All directorates", True, total, hidden, "total"),
                ],
            }
        )
    now = _before(today)
    feed = {
        "standard": STANDARD,
        "council": {"name": p.name},
        "published_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "years": out,
    }
    return sign(feed, borough_key(p.name))


def _before(today: date) -> datetime:
    """06:00 the day before ``today``: the demo's history is all in the past."""
    return datetime.combine(today - timedelta(days=1), datetime.min.time(), UTC).replace(hour=6)


def load_boroughs(session: Session, actor: str, today: date) -> int:
    """The demo's boroughs, each added (once) as an uploaded feed with its key."""
    from eia import admin_operations as admin_ops
    from eia.reporting.benchmarks import council_named

    added = 0
    for p in BOROUGHS:
        if council_named(session, p.name) is not None:
            continue
        key = public_jwk(borough_key(p.name).public_key())["x"]
        admin_ops.add_benchmark_council(
            session,
            actor,
            borough_feed(p, today),
            public_key=key,
            key_source="given",
            at=_before(today),
        )
        added += 1
    return added
