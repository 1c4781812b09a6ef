"""The dunning decision for one partner on one run date (SPEC §2).

``decide`` turns a :class:`~.types.Snapshot` into a :class:`~.types.Decision`. It is
pure: nothing here reads the clock or the database, so the same snapshot always gives
an equal decision, and the Odoo shell can replay a snapshot on later dates to forecast
the next contact.

The order of the checks is the order of precedence of the reasons:

1. a partner excluded from dunning is never contacted;
2. a partner already contacted on the run date is not contacted twice;
3. a broken promise is answered specifically, before and instead of the cadence;
4. items that are held (disputed, promised, in the buffer, ...) are never asked for;
5. money in flight and credits that cover what is eligible suppress the message;
6. the segment's step, the statement, the cadence and the weekly cap decide the rest;
7. a customer-facing message for a partner without an email becomes a call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import types as t

STATEMENT_INTERVAL_DAYS = 7  # a statement of account goes at most once a week
CAP_WINDOW_DAYS = 7  # the weekly cap counts messages in (D - 7, D]

# Item codes that keep an item out of a broken-promise message as well: the
# promise is about money owed, not about invoices under review, not yet due, in
# another promise's window or already being paid. (A segment grace does not stop
# it: the customer named the date himself.)
_BLOCKS_BROKEN_PROMISE = frozenset(
    {
        t.NOT_DUE,
        t.CASH_BUFFER,
        t.PAYMENT_IN_FLIGHT,
        t.DISPUTE_HOLD,
        t.PROMISE_PAUSE,
        t.NO_FOLLOWUP,
    }
)
_EMAIL_ACTIONS = frozenset(
    {t.EMAIL, t.PERSONAL_EMAIL, t.ACTION_STATEMENT, t.BROKEN_PROMISE}
)
_ORDER = {code: index for index, code in enumerate(t.REASON_CODES)}


def ordered_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """``codes`` without duplicates, in the order of ``REASON_CODES``."""
    return tuple(sorted(set(codes), key=lambda code: (_ORDER.get(code, 99), code)))


# ---------------------------------------------------------------------------
# Promises
# ---------------------------------------------------------------------------
def evaluate_promise(
    promise: t.Promise, run_date: date, buffer_days: int
) -> t.PromiseVerdict | None:
    """The verdict on an open promise whose window has passed, else ``None``.

    The window is ``promised_date + buffer_days`` inclusive: the payment may be made on
    the promised date and still need the cash-application buffer to show. After it, the
    promise is kept when the covered residual fell by at least the promised amount.
    """
    if promise.state != t.PROMISE_OPEN:
        return None
    if run_date <= promise.promised_date + timedelta(days=buffer_days):
        return None
    fall = promise.base_residual - promise.current_residual
    return t.PromiseVerdict(
        promise_id=promise.id,
        state=t.PROMISE_KEPT if fall >= promise.amount else t.PROMISE_BROKEN_STATE,
        promised_date=promise.promised_date,
        amount=promise.amount,
        paid=max(fall, t.ZERO),
    )


def _covers(promise: t.Promise, item_id: int) -> bool:
    return not promise.item_ids or item_id in promise.item_ids


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------
def _dispute_codes(item: t.Item, snapshot: t.Snapshot) -> tuple[str, ...]:
    disputes = [d for d in snapshot.disputes if d.item_id == item.id]
    if any(d.state == "open" for d in disputes):
        return (t.DISPUTE_HOLD,)
    closed = [d for d in disputes if d.closed_date is not None]
    if not closed:
        return ()
    latest = max(closed, key=lambda d: (d.closed_date, d.id))
    rearmed_until = latest.closed_date + timedelta(days=snapshot.policy.cadence_days)
    if latest.state == "resolved" and snapshot.run_date < rearmed_until:
        return (t.GRACE_PERIOD,)
    return ()


def _paused_by_promise(item: t.Item, snapshot: t.Snapshot) -> bool:
    window = timedelta(days=snapshot.buffer_days)
    return any(
        p.state == t.PROMISE_OPEN
        and _covers(p, item.id)
        and snapshot.run_date <= p.promised_date + window
        for p in snapshot.promises
    )


def _age_codes(item: t.Item, snapshot: t.Snapshot) -> tuple[str, ...]:
    overdue = (snapshot.run_date - item.date_due).days
    if overdue <= 0:
        return (t.NOT_DUE,)
    if overdue <= snapshot.buffer_days:
        return (t.CASH_BUFFER,)
    if overdue < snapshot.policy.grace_days:
        return (t.GRACE_PERIOD,)
    return ()


def item_codes(item: t.Item, snapshot: t.Snapshot) -> tuple[str, ...]:
    """Why ``item`` is not dunned on the run date: its hold codes, in the order of
    ``REASON_CODES``; empty when the item is eligible."""
    codes = list(_dispute_codes(item, snapshot))
    if item.no_followup:
        codes.append(t.NO_FOLLOWUP)
    if _paused_by_promise(item, snapshot):
        codes.append(t.PROMISE_PAUSE)
    if item.in_payment:
        codes.append(t.PAYMENT_IN_FLIGHT)
    codes.extend(_age_codes(item, snapshot))
    return ordered_codes(codes)


def days_overdue(item: t.Item, run_date: date) -> int:
    return (run_date - item.date_due).days


# ---------------------------------------------------------------------------
# Steps and past touches
# ---------------------------------------------------------------------------
def current_step(steps: Iterable[t.Step], max_days_overdue: int) -> t.Step | None:
    """The step with the largest ``days`` reached by ``max_days_overdue``; on equal
    days the later one in the segment's order."""
    reached = [
        (step.days, index, step)
        for index, step in enumerate(steps)
        if step.days <= max_days_overdue
    ]
    return max(reached, key=lambda row: row[:2])[2] if reached else None


def _is_contact(touch: t.PastTouch) -> bool:
    return touch.state in (t.TOUCH_SENT, t.TOUCH_PLANNED) and touch.action != t.NONE


def _touched_on(touches: Iterable[t.PastTouch], day: date) -> bool:
    return any(
        touch.date == day and touch.state in (t.TOUCH_SENT, t.TOUCH_PLANNED)
        for touch in touches
    )


def _within_cadence(snapshot: t.Snapshot) -> bool:
    contacts = [touch.date for touch in snapshot.touches if _is_contact(touch)]
    if not contacts:
        return False
    return (snapshot.run_date - max(contacts)).days < snapshot.policy.cadence_days


def _recent_statement(snapshot: t.Snapshot) -> bool:
    since = snapshot.run_date - timedelta(days=STATEMENT_INTERVAL_DAYS)
    return any(
        touch.action == t.ACTION_STATEMENT
        and touch.state == t.TOUCH_SENT
        and since < touch.date <= snapshot.run_date
        for touch in snapshot.touches
    )


def customer_facing_count(touches: Iterable[t.PastTouch], run_date: date) -> int:
    """Customer-facing messages sent in the week ``(run_date - 7, run_date]``."""
    since = run_date - timedelta(days=CAP_WINDOW_DAYS)
    return sum(
        1
        for touch in touches
        if touch.customer_facing
        and touch.state == t.TOUCH_SENT
        and since < touch.date <= run_date
    )


# ---------------------------------------------------------------------------
# The decision
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    """What every branch of ``decide`` shares: the partner's items sorted out."""

    snapshot: t.Snapshot
    codes: dict[int, tuple[str, ...]]
    eligible: tuple[t.Item, ...]
    held: tuple[tuple[int, tuple[str, ...]], ...]
    verdicts: tuple[t.PromiseVerdict, ...]
    in_flight: Decimal
    credits: Decimal

    def decision(
        self,
        action: str,
        outcome: str,
        codes: Iterable[str],
        items: Iterable[t.Item],
        **extra,
    ) -> t.Decision:
        """A decision on ``items``: the deciding ``codes`` first, then those of the
        items held back. A suppressed decision asks for nothing, but its amounts
        still say what was due."""
        items = tuple(items)
        eligible = sum((item.residual for item in items), t.ZERO)
        asked = set() if outcome == t.OUTCOME_SUPPRESS else {i.id for i in items}
        # A broken promise may ask for an item still in its segment grace: then
        # that item is asked, not held.
        held = tuple((i, c) for i, c in self.held if i not in asked)
        deciding = ordered_codes(codes)
        held_codes = ordered_codes(code for _i, c in held for code in c)
        return t.Decision(
            partner_id=self.snapshot.partner_id,
            action=action,
            outcome=outcome,
            item_ids=tuple(sorted(asked)),
            reason_codes=deciding + tuple(c for c in held_codes if c not in deciding),
            held=held,
            amount_eligible=eligible,
            amount_asked=max(eligible - self.in_flight - self.credits, t.ZERO),
            amount_in_flight=self.in_flight,
            amount_credits=self.credits,
            promise_verdicts=self.verdicts,
            **extra,
        )

    def suppress(
        self, codes: Iterable[str], items: Iterable[t.Item] = (), **extra
    ) -> t.Decision:
        return self.decision(t.NONE, t.OUTCOME_SUPPRESS, codes, items, **extra)

    def covered(self, verdict: t.PromiseVerdict) -> tuple[t.Item, ...]:
        """The open items of a broken promise that may be asked for."""
        promise = next(p for p in self.snapshot.promises if p.id == verdict.promise_id)
        return tuple(
            item
            for item in self.snapshot.items
            if _covers(promise, item.id)
            and _BLOCKS_BROKEN_PROMISE.isdisjoint(self.codes[item.id])
        )


def _context(snapshot: t.Snapshot) -> _Context:
    codes = {item.id: item_codes(item, snapshot) for item in snapshot.items}
    verdicts = (
        evaluate_promise(promise, snapshot.run_date, snapshot.buffer_days)
        for promise in snapshot.promises
    )
    return _Context(
        snapshot=snapshot,
        codes=codes,
        eligible=tuple(item for item in snapshot.items if not codes[item.id]),
        held=tuple(sorted((item_id, c) for item_id, c in codes.items() if c)),
        verdicts=tuple(
            sorted(
                (v for v in verdicts if v is not None),
                key=lambda v: (v.promised_date, v.promise_id),
            )
        ),
        in_flight=sum((f.amount for f in snapshot.in_flight), t.ZERO),
        credits=sum((c.amount for c in snapshot.credits), t.ZERO),
    )


def _contact(
    ctx: _Context,
    action: str,
    outcome: str,
    codes: tuple[str, ...],
    items: tuple[t.Item, ...],
    **extra,
) -> t.Decision:
    """Send or plan ``action``, unless the partner has no email or the weekly cap is
    reached. A message that cannot be emailed becomes a call for the manager rather
    than a silent skip; a call is not customer-facing, so the cap does not stop it."""
    snapshot = ctx.snapshot
    if action in _EMAIL_ACTIONS and not snapshot.has_email:
        codes = tuple(c for c in codes if c != t.STATEMENT) + (t.NO_CONTACT,)
        return ctx.decision(t.PHONE_CALL, t.OUTCOME_PLAN, codes, items, **extra)
    if outcome == t.OUTCOME_SEND:
        sent = customer_facing_count(snapshot.touches, snapshot.run_date)
        if sent + 1 > snapshot.policy.weekly_cap:
            codes = tuple(c for c in codes if c != t.STATEMENT)
            return ctx.suppress(codes + (t.WEEKLY_CAP,), items, **extra)
    return ctx.decision(action, outcome, codes, items, **extra)


def _broken_promise(ctx: _Context, verdict: t.PromiseVerdict) -> t.Decision | None:
    """The specific message on a broken promise; it bypasses the cadence and the steps
    (dunning was paused anyway). ``None`` when none of its items may be asked for."""
    items = ctx.covered(verdict)
    if not items:
        return None
    codes = (t.PROMISE_BROKEN,)
    owed = sum((item.residual for item in items), t.ZERO)
    if ctx.in_flight + ctx.credits >= owed:
        return ctx.suppress(
            codes + (t.PAYMENT_IN_FLIGHT,), items, broken_promise=verdict
        )
    return _contact(
        ctx, t.BROKEN_PROMISE, t.OUTCOME_SEND, codes, items, broken_promise=verdict
    )


def _step_action(step: t.Step, policy: t.Policy) -> tuple[str, str]:
    if step.channel == t.PERSONAL_EMAIL:
        outcome = t.OUTCOME_SEND if policy.personal_send_direct else t.OUTCOME_PLAN
        return t.PERSONAL_EMAIL, outcome
    if step.channel == t.PHONE_CALL:
        return t.PHONE_CALL, t.OUTCOME_PLAN
    return t.EMAIL, t.OUTCOME_SEND


def _stepped(ctx: _Context) -> t.Decision:
    """The segment's step for the eligible items, within the cadence."""
    snapshot = ctx.snapshot
    items = ctx.eligible
    oldest = max(days_overdue(item, snapshot.run_date) for item in items)
    step = current_step(snapshot.policy.steps, oldest)
    if step is None:
        return ctx.suppress((t.GRACE_PERIOD,), items)
    extra = {"step": step, "template_key": step.template_key}
    action, outcome = _step_action(step, snapshot.policy)
    codes: tuple[str, ...] = ()
    if action == t.EMAIL and len(items) >= snapshot.policy.statement_threshold:
        action, codes = t.ACTION_STATEMENT, (t.STATEMENT,)
        if _recent_statement(snapshot):
            return ctx.suppress((t.CADENCE,), items, **extra)
    if _within_cadence(snapshot):
        return ctx.suppress((t.CADENCE,), items, **extra)
    return _contact(ctx, action, outcome, codes, items, **extra)


def decide(snapshot: t.Snapshot) -> t.Decision:
    """What the run does for the partner of ``snapshot`` on ``snapshot.run_date``."""
    ctx = _context(snapshot)
    if snapshot.excluded:
        return ctx.suppress((t.EXCLUDED,), ctx.eligible)
    if _touched_on(snapshot.touches, snapshot.run_date):
        return ctx.suppress((t.ALREADY_TOUCHED,), ctx.eligible)
    for verdict in ctx.verdicts:
        if verdict.state == t.PROMISE_BROKEN_STATE:
            decision = _broken_promise(ctx, verdict)
            if decision is not None:
                return decision
    if not ctx.eligible:
        return ctx.suppress(())
    if ctx.in_flight + ctx.credits >= sum(i.residual for i in ctx.eligible):
        return ctx.suppress((t.PAYMENT_IN_FLIGHT,), ctx.eligible)
    return _stepped(ctx)
