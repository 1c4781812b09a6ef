"""Invariants of the dunning decision over generated accounts (hypothesis).

The oracles below restate the rules from the snapshot itself, not through
``engine.item_codes``, so that a mistake there cannot hide here.
"""

import dataclasses
from datetime import timedelta

from hypothesis import given, settings
from strategies import snapshots, touch_of

from bectran_dunning.core import engine
from bectran_dunning.core import types as t

# Fast enough for every commit; no example database written into the working tree.
core_settings = settings(max_examples=200, deadline=None, database=None)

SIMULATED_DAYS = 21  # three rolling weeks; the longest cadence is 14 days
CONTACT_STATES = (t.TOUCH_SENT, t.TOUCH_PLANNED)


def _acts(decision):
    return decision.outcome in (t.OUTCOME_SEND, t.OUTCOME_PLAN)


def _in_promise_window(snapshot, item):
    window = timedelta(days=snapshot.buffer_days)
    return any(
        p.state == t.PROMISE_OPEN
        and (not p.item_ids or item.id in p.item_ids)
        and snapshot.run_date <= p.promised_date + window
        for p in snapshot.promises
    )


def _never_asked(snapshot, item):
    """Why ``item`` must not be in a message or a call on the run date, if any."""
    if item.no_followup:
        return "no_followup"
    if any(d.item_id == item.id and d.state == "open" for d in snapshot.disputes):
        return "open dispute"
    if (snapshot.run_date - item.date_due).days <= snapshot.buffer_days:
        return "inside the buffer"
    if _in_promise_window(snapshot, item):
        return "inside a promise window"
    if item.in_payment:
        return "in payment"
    return None


def _sent_in_week(touches, day):
    return sum(
        1
        for touch in touches
        if touch.customer_facing
        and touch.state == t.TOUCH_SENT
        and day - timedelta(days=7) < touch.date <= day
    )


def _apply_verdicts(snapshot, decision):
    verdicts = {v.promise_id: v.state for v in decision.promise_verdicts}
    return tuple(
        dataclasses.replace(p, state=verdicts.get(p.id, p.state))
        for p in snapshot.promises
    )


@core_settings
@given(snapshots())
def test_held_items_are_never_asked_for(snapshot):
    decision = engine.decide(snapshot)
    if not _acts(decision):
        return
    items = {item.id: item for item in snapshot.items}
    for item_id in decision.item_ids:
        assert _never_asked(snapshot, items[item_id]) is None, item_id


@core_settings
@given(snapshots())
def test_decision_is_well_formed(snapshot):
    decision = engine.decide(snapshot)
    assert decision == engine.decide(snapshot)
    assert decision.partner_id == snapshot.partner_id
    assert (decision.outcome == t.OUTCOME_SUPPRESS) == (decision.action == t.NONE)
    assert decision.action in t.ACTIONS
    assert set(decision.reason_codes) <= set(t.REASON_CODES)
    assert len(set(decision.reason_codes)) == len(decision.reason_codes)
    assert list(decision.item_ids) == sorted(set(decision.item_ids))
    assert t.ZERO <= decision.amount_asked <= decision.amount_eligible
    held_ids = [item_id for item_id, _codes in decision.held]
    assert held_ids == sorted(held_ids)
    assert not set(held_ids) & set(decision.item_ids)
    if snapshot.excluded:
        assert decision.reason_codes[0] == t.EXCLUDED
        assert not _acts(decision)
    if decision.customer_facing:
        assert snapshot.has_email
        assert _sent_in_week(snapshot.touches, snapshot.run_date) < (
            snapshot.policy.weekly_cap
        )
    # a message or a call is about something; a suppression asks for nothing
    assert bool(decision.item_ids) == _acts(decision)
    if _acts(decision):
        # a sent touch also carries the codes of what it held back
        for _item_id, codes in decision.held:
            assert set(codes) <= set(decision.reason_codes)


@core_settings
@given(snapshots())
def test_a_second_evaluation_after_a_touch_sends_nothing(snapshot):
    decision = engine.decide(snapshot)
    touches = snapshot.touches + (touch_of(decision, snapshot.run_date),)
    again = engine.decide(dataclasses.replace(snapshot, touches=touches))
    if _acts(decision):
        assert again.outcome == t.OUTCOME_SUPPRESS
        assert again.reason_codes[0] in (t.EXCLUDED, t.ALREADY_TOUCHED)
    else:
        # a suppressed touch is no contact: the same decision again
        assert again == decision


@core_settings
@given(snapshots())
def test_daily_runs_respect_cap_cadence_and_one_voice(snapshot):
    """Run every day for three weeks, recording each decision as the shell does."""
    policy = snapshot.policy
    touches = list(snapshot.touches)
    promises = snapshot.promises
    for offset in range(SIMULATED_DAYS):
        day = snapshot.run_date + timedelta(days=offset)
        today = dataclasses.replace(
            snapshot, run_date=day, touches=tuple(touches), promises=promises
        )
        decision = engine.decide(today)
        promises = _apply_verdicts(today, decision)
        if not _acts(decision):
            continue
        previous = [
            touch.date
            for touch in touches
            if touch.state in CONTACT_STATES and touch.action != t.NONE
        ]
        touches.append(touch_of(decision, day))
        # a message never takes the rolling week beyond the cap (the generated
        # history alone may exceed it, as after the cap was lowered)
        if decision.customer_facing:
            assert _sent_in_week(touches, day) <= policy.weekly_cap
        # the cadence holds, but for the answer to a broken promise
        if decision.broken_promise is None and previous:
            assert (day - max(previous)).days >= policy.cadence_days
        # one voice per day: a re-run the same day does nothing
        rerun = engine.decide(
            dataclasses.replace(today, touches=tuple(touches), promises=promises)
        )
        assert not _acts(rerun)
        assert rerun.reason_codes[0] in (t.EXCLUDED, t.ALREADY_TOUCHED)


@core_settings
@given(snapshots(with_history=False))
def test_broken_promise_is_answered_once(snapshot):
    """Once judged, a promise is no longer open: its message does not repeat."""
    touches = []
    promises = snapshot.promises
    answered = []
    for offset in range(SIMULATED_DAYS):
        day = snapshot.run_date + timedelta(days=offset)
        today = dataclasses.replace(
            snapshot, run_date=day, touches=tuple(touches), promises=promises
        )
        decision = engine.decide(today)
        for verdict in decision.promise_verdicts:
            assert verdict.paid >= t.ZERO
        promises = _apply_verdicts(today, decision)
        if decision.broken_promise is not None and _acts(decision):
            answered.append(decision.broken_promise.promise_id)
        if _acts(decision):
            touches.append(touch_of(decision, day))
    assert len(answered) == len(set(answered))
