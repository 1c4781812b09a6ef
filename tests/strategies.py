"""Builders and hypothesis strategies for the core suite.

Every date is relative to ``RUN_DATE``; amounts are whole Decimals so that sums are
exact.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from bectran_dunning.core import types as t

RUN_DATE = date(2026, 3, 20)

STANDARD = t.Policy(
    code="standard",
    grace_days=0,
    cadence_days=7,
    weekly_cap=2,
    statement_threshold=5,
    steps=(
        t.Step(0, t.EMAIL, "reminder"),
        t.Step(15, t.EMAIL, "firmer"),
        t.Step(30, t.PHONE_CALL, "call"),
        t.Step(45, t.EMAIL, "final"),
    ),
)
STRATEGIC = t.Policy(
    code="strategic",
    grace_days=14,
    cadence_days=14,
    weekly_cap=1,
    first_touch="personal",
    statement_threshold=5,
    steps=(t.Step(14, t.PERSONAL_EMAIL, "personal"), t.Step(30, t.PHONE_CALL, "call")),
)
WATCHLIST = t.Policy(
    code="watchlist",
    cadence_days=4,
    weekly_cap=3,
    steps=(
        t.Step(0, t.EMAIL, "reminder"),
        t.Step(5, t.PHONE_CALL, "call"),
        t.Step(14, t.EMAIL, "final"),
    ),
)


def ago(days, run_date=RUN_DATE):
    return run_date - timedelta(days=days)


def item(item_id, overdue, residual=100, **kwargs):
    """An open invoice ``overdue`` days past due on ``RUN_DATE``."""
    return t.Item(
        id=item_id,
        name=f"INV/{item_id:04d}",
        date_due=ago(overdue),
        amount_total=Decimal(residual),
        residual=Decimal(residual),
        **kwargs,
    )


def touch(days_ago, action=t.EMAIL, state=t.TOUCH_SENT, customer_facing=None):
    if customer_facing is None:
        customer_facing = state == t.TOUCH_SENT and action not in (
            t.NONE,
            t.PHONE_CALL,
        )
    return t.PastTouch(
        date=ago(days_ago),
        action=action,
        state=state,
        customer_facing=customer_facing,
    )


def snapshot(*items, policy=STANDARD, **kwargs):
    kwargs.setdefault("partner_id", 7)
    kwargs.setdefault("run_date", RUN_DATE)
    return t.Snapshot(policy=policy, items=tuple(items), **kwargs)


def touch_of(decision, run_date):
    """The past touch the shell records for ``decision`` on ``run_date``."""
    state = {
        t.OUTCOME_SEND: t.TOUCH_SENT,
        t.OUTCOME_PLAN: t.TOUCH_PLANNED,
        t.OUTCOME_SUPPRESS: "suppressed",
    }[decision.outcome]
    return t.PastTouch(
        date=run_date,
        action=decision.action,
        state=state,
        customer_facing=decision.customer_facing,
    )


# ---------------------------------------------------------------------------
# Hypothesis strategies
# ---------------------------------------------------------------------------
amounts = st.integers(min_value=1, max_value=5000).map(Decimal)
small_amounts = st.integers(min_value=1, max_value=400).map(Decimal)


def rarely(one_in):
    """True about once in ``one_in`` draws (hypothesis favours small integers, so the
    rare value is the largest)."""
    return st.integers(1, one_in).map(lambda n: n == one_in)


@st.composite
def steps(draw):
    days = draw(st.lists(st.integers(0, 60), max_size=4, unique=True))
    if not draw(rarely(8)):
        days = [0, *days]  # most segments start right after the buffer
    days = set(days)
    return tuple(
        t.Step(d, draw(st.sampled_from(t.CHANNELS)), f"tpl{d}") for d in sorted(days)
    )


@st.composite
def policies(draw):
    return t.Policy(
        code=draw(st.sampled_from(["strategic", "standard", "watchlist"])),
        grace_days=draw(st.integers(0, 20)),
        cadence_days=draw(st.integers(1, 14)),
        weekly_cap=draw(st.sampled_from([2, 1, 3, 0])),
        statement_threshold=draw(st.integers(1, 6)),
        steps=draw(steps()),
        personal_send_direct=draw(st.booleans()),
    )


@st.composite
def items(draw, max_size=7):
    ids = draw(st.lists(st.integers(1, 30), max_size=max_size, unique=True))
    return tuple(
        t.Item(
            id=item_id,
            name=f"INV/{item_id:04d}",
            date_due=ago(draw(st.integers(-15, 70))),
            amount_total=(residual := draw(amounts)),
            residual=residual,
            no_followup=draw(rarely(8)),
            in_payment=draw(rarely(8)),
        )
        for item_id in ids
    )


@st.composite
def disputes(draw, item_ids):
    result = []
    disputed = draw(st.lists(st.sampled_from(item_ids), max_size=2))
    for index, item_id in enumerate(disputed):
        state = draw(st.sampled_from(["open", "resolved", "rejected"]))
        closed = None if state == "open" else ago(draw(st.integers(0, 30)))
        result.append(t.Dispute(index + 1, item_id, state, closed))
    return tuple(result)


@st.composite
def promises(draw, item_ids):
    result = []
    for index in range(draw(st.integers(0, 2))):
        covered = draw(st.lists(st.sampled_from(item_ids), unique=True, max_size=3))
        base = draw(amounts)
        result.append(
            t.Promise(
                id=index + 1,
                promised_date=ago(draw(st.integers(-10, 20))),
                amount=draw(amounts),
                state=draw(
                    st.sampled_from([t.PROMISE_OPEN] * 3 + [t.PROMISE_CANCELLED])
                ),
                item_ids=tuple(covered),
                base_residual=base,
                current_residual=draw(st.integers(0, int(base)).map(Decimal)),
            )
        )
    return tuple(result)


@st.composite
def past_touches(draw):
    result = []
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(t.ACTIONS))
        state = draw(
            st.sampled_from(
                [t.TOUCH_SENT, t.TOUCH_PLANNED, "suppressed", "preview", "failed"]
            )
        )
        result.append(
            t.PastTouch(
                date=ago(draw(st.integers(1, 20))),
                action=action,
                state=state,
                customer_facing=state == t.TOUCH_SENT
                and action not in (t.NONE, t.PHONE_CALL),
            )
        )
    return tuple(sorted(result, key=lambda touch: touch.date))


@st.composite
def snapshots(draw, with_history=True):
    its = draw(items())
    item_ids = [i.id for i in its] or [1]
    return t.Snapshot(
        partner_id=draw(st.integers(1, 1000)),
        run_date=RUN_DATE,
        policy=draw(policies()),
        buffer_days=draw(st.integers(0, 6)),
        items=its,
        credits=tuple(
            t.Credit(n, f"RINV/{n}", a)
            for n, a in enumerate(draw(st.lists(small_amounts, max_size=2)))
        ),
        in_flight=tuple(
            t.InFlight(n, "payment", a)
            for n, a in enumerate(draw(st.lists(small_amounts, max_size=2)))
        ),
        disputes=draw(disputes(item_ids)),
        promises=draw(promises(item_ids)),
        touches=draw(past_touches()) if with_history else (),
        excluded=draw(rarely(15)),
        has_email=not draw(rarely(8)),
    )
