"""Every reminder rule over one generated world, swept day by day through Christmas: the
outbox rows written (recipient, key, subject, context, delivery) are exactly those in
tests/data/reminder_sweep_rows.json, recorded from the sweep as it was before it selected
narrow rows and wrote them in bulk (issue 16, point 3).

Ids, references, names and titles vary between databases and test orders, so each is
written as its place in the world ("E3", "U5", "A2") before comparing. If a rule's wording
changes on purpose, record the file again: ``REMINDER_ROWS_RECORD=1 pytest`` this file."""

import json
import os
import random
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import select

from eia import operations as ops
from eia.models import LONDON, OutboxEmail
from notifications import settings as notification_settings
from notifications.calendar import is_working_day
from notifications.digest import set_preference
from notifications.reminders import sweep_reminders

CFG = notification_settings.View(notification_settings.load({}))
EXPECTED = Path(__file__).parent / "data" / "reminder_sweep_rows.json"
FIRST, LAST = date(2026, 12, 1), date(2027, 1, 15)
STATES = ("draft", "screening", "full_assessment", "awaiting_sign_off", "approved")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _world(db, make, time_machine, rng: random.Random):
    """Officers in two directorates (one who later leaves, one who wants reminders at
    once), two approvers each, the Policy and Equality Unit; EIAs started on working days
    through October and November in every active state, some with decision dates, reviews
    coming and action plans, one action with a long description."""
    directorates = [make.directorate(name=f"Directorate {d}") for d in range(2)]
    services = [make.service(directorates[i % 2], name=f"Service {i}") for i in range(4)]
    officers = [
        make.user("officer", service=services[i % 4], name=f"Officer {i}") for i in range(6)
    ]
    approvers = [
        make.user("approver", directorate=directorates[i % 2], name=f"Approver {i}")
        for i in range(4)
    ]
    unit = [make.user("equality_officer", name=f"Unit {i}") for i in range(2)]
    users = officers + approvers + unit
    set_preference(db, officers[1], "immediate")
    eias, actions = [], []
    day = date(2026, 10, 1)
    for n in range(30):
        while not is_working_day(day):
            day += timedelta(days=1)
        time_machine.move_to(_at(day), tick=False)
        owner = officers[n % len(officers)]
        mine = [a for a in approvers if a.directorate_id == owner.service.directorate_id]
        status = STATES[n % len(STATES)]
        proposal = {}
        if status != "approved" and n % 3 == 0:
            proposal["decision_date"] = FIRST + timedelta(days=rng.randrange(0, 40))
        eia = make.eia(
            status,
            owner=owner,
            approver=mine[n % 2],
            title=f"Proposal {n}",
            **proposal,
        )
        if status == "approved":
            eia.review_date = FIRST + timedelta(days=rng.randrange(5, 60))
            db.add(eia)
        plan = rng.randrange(0, 3) if status in ("full_assessment", "approved") else 0
        for k in range(plan):
            description = (
                "Consult carers' groups in every ward before the budget is set, and publish "
                "what they said with the council's answer to each point raised in writing."
                if not actions
                else f"Action {n}.{k}"
            )
            ops.save_action(
                db,
                eia,
                owner,
                {
                    "description": description,
                    "owner_id": rng.choice(officers).id,
                    "due_date": FIRST + timedelta(days=rng.randrange(-20, 40)),
                    "status": rng.choice(("planned", "planned", "in_progress", "done")),
                }
                | ({"status": "planned", "owner_id": officers[0].id} if not actions else {}),
            )
            actions.append(description)
        db.flush()
        eias.append(eia)
        day += timedelta(days=rng.randrange(1, 3))
    officers[5].active = False  # left: no reminders, but still named in escalations
    db.add(officers[5])
    db.commit()
    return eias, users


def _labels(db, eias, users):
    """Labels for ids (EIAs, people, actions) and each EIA's reference, in world order."""
    from eia.models import ActionItem

    eia_label = {e.id: f"E{i}" for i, e in enumerate(eias)}
    user_label = {u.id: f"U{i}" for i, u in enumerate(users)}
    action_ids = db.exec(
        select(ActionItem.id).where(ActionItem.eia_id.in_(list(eia_label))).order_by(ActionItem.id)
    ).all()
    action_label = {a: f"A{i}" for i, a in enumerate(action_ids)}
    words = [(e.reference, f"<{eia_label[e.id]}>") for e in eias]
    words.sort(key=lambda pair: -len(pair[0]))  # longer references first
    return eia_label, user_label, action_label, words


def _normal(value, words):
    if isinstance(value, str):
        for old, new in words:
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: _normal(v, words) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_normal(v, words) for v in value]
    return value


def _key(key: str, eia_label, user_label, action_label) -> str:
    key = re.sub(r"eia:(\d+)\|", lambda m: f"eia:{eia_label[int(m[1])]}|", key)
    key = re.sub(r"\|user:(\d+)$", lambda m: f"|user:{user_label[int(m[1])]}", key)
    return re.sub(r"action-(\d+)-", lambda m: f"action-{action_label[int(m[1])]}-", key)


def test_the_sweep_writes_the_same_rows_for_every_rule(db, make, time_machine):
    eias, users = _world(db, make, time_machine, random.Random(16))
    eia_label, user_label, action_label, words = _labels(db, eias, users)
    found = {}
    day = FIRST
    while day <= LAST:
        time_machine.move_to(_at(day, 7), tick=False)
        ids = sweep_reminders(db, day, CFG)
        db.commit()
        rows = (
            db.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids)).order_by(OutboxEmail.id))
            if ids
            else []
        )
        written = sorted(
            [
                _key(r.idempotency_key, eia_label, user_label, action_label),
                r.rule,
                user_label[r.recipient_id],
                r.delivery,
                r.urgent,
                r.status,
                _normal(r.subject, words),
                _normal(r.context, words),
            ]
            for r in rows
        )
        if written:
            found[day.isoformat()] = written
        assert sweep_reminders(db, day, CFG) == []  # the same day again: nothing new
        day += timedelta(days=1)
    rules = {row[1] for rows in found.values() for row in rows}
    assert rules == {
        "idle",
        "idle_escalation",
        "signoff_pending",
        "signoff_escalation",
        "decision_near",
        "review_coming",
        "action_due",
        "action_overdue",
    }
    if os.environ.get("REMINDER_ROWS_RECORD"):
        EXPECTED.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    assert found == json.loads(EXPECTED.read_text())
