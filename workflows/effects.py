"""Records an event writes after the state has changed. Each runs inside the caller's
transaction and only adds to the session: it never commits."""

from eia.exports.public import keep_public_copy
from eia.models import Comment, EiaVersion, ReviewRecord, SignOff
from eia.models.enums import SignOffDecision
from eia.snapshot import snapshot_eia

from .guards import GuardContext, decision_date_passed
from .lifecycle import Status


def _text(ctx: GuardContext, name: str) -> str:
    value = ctx.inputs.get(name)
    return value.strip() if isinstance(value, str) else ""


def record_screening_conclusion(ctx: GuardContext) -> None:
    names = sorted(a.characteristic.name for a in ctx.eia.screening_answers)
    ctx.eia.screening_conclusion = (
        "No full assessment is needed: screening found the proposal not relevant to any of the "
        f"{len(names)} characteristics considered ({', '.join(names)}), each with a reason."
    )


def record_approval(ctx: GuardContext) -> None:
    late = decision_date_passed(ctx.eia, ctx.today)
    ctx.session.add(
        SignOff(
            eia=ctx.eia,
            eia_version=ctx.eia.version,
            approver=ctx.actor,
            decision=SignOffDecision.approved,
            attested=True,
            late=late,
            late_reason=_text(ctx, "late_reason") if late else "",
            comment=_text(ctx, "comment"),
            signed_at=ctx.now,
        )
    )


def record_return(ctx: GuardContext) -> None:
    comment = _text(ctx, "comment")
    ctx.session.add(
        SignOff(
            eia=ctx.eia,
            eia_version=ctx.eia.version,
            approver=ctx.actor,
            decision=SignOffDecision.returned,
            comment=comment,
            returned_to=ctx.dest,
            signed_at=ctx.now,
        )
    )
    ctx.session.add(
        Comment(
            eia=ctx.eia,
            eia_version=ctx.eia.version,
            section=ctx.inputs.get("section") or ctx.dest,
            author=ctx.actor,
            body=comment,
            created_at=ctx.now,
        )
    )


def record_review_confirmed(ctx: GuardContext) -> None:
    ctx.session.add(
        ReviewRecord(
            eia=ctx.eia,
            eia_version=ctx.eia.version,
            reviewer=ctx.actor,
            notes=_text(ctx, "review_notes"),
            next_review_date=ctx.inputs["next_review_date"],
            decision="confirmed",
            reviewed_at=ctx.now,
        )
    )
    ctx.eia.review_date = ctx.inputs["next_review_date"]


def freeze_version(ctx: GuardContext) -> None:
    """Keep the version as it stands now, readable for ever, unless it is already kept."""
    eia = ctx.eia
    kept = next((v for v in eia.versions if v.version == eia.version), None)
    if kept is None:
        kept = EiaVersion(
            eia=eia,
            version=eia.version,
            status=eia.status,
            snapshot=snapshot_eia(eia),
            frozen_at=ctx.now,
        )
        ctx.session.add(kept)
        if kept.status == Status.approved:  # what the public register shows from now on
            keep_public_copy(ctx.session, kept)


def open_new_version(ctx: GuardContext) -> None:
    """Revise: the old version stays frozen; actions and outcome carry forward."""
    eia = ctx.eia
    ctx.session.add(
        ReviewRecord(
            eia=eia,
            eia_version=eia.version,
            reviewer=ctx.actor,
            notes=_text(ctx, "review_notes"),
            decision="revised",
            reviewed_at=ctx.now,
        )
    )
    eia.version += 1


def record_closing_reason(ctx: GuardContext) -> None:
    ctx.eia.closing_reason = _text(ctx, "reason")


EFFECTS = {
    "record_screening_conclusion": record_screening_conclusion,
    "record_approval": record_approval,
    "record_return": record_return,
    "record_review_confirmed": record_review_confirmed,
    "freeze_version": freeze_version,
    "open_new_version": open_new_version,
    "record_closing_reason": record_closing_reason,
}
