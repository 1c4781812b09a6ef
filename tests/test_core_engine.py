"""The dunning decision, rule by rule (SPEC §2)."""

import dataclasses
from decimal import Decimal

import pytest
from strategies import (
    RUN_DATE,
    STANDARD,
    STRATEGIC,
    WATCHLIST,
    ago,
    item,
    snapshot,
    touch,
)

from bectran_dunning.core import engine
from bectran_dunning.core import types as t


def promise(promise_id=1, due_ago=10, amount=500, base=1000, current=1000, **kwargs):
    return t.Promise(
        id=promise_id,
        promised_date=ago(due_ago),
        amount=Decimal(amount),
        base_residual=Decimal(base),
        current_residual=Decimal(current),
        **kwargs,
    )


# ---------------------------------------------------------------------------
# evaluate_promise
# ---------------------------------------------------------------------------
class TestEvaluatePromise:
    def test_no_verdict_inside_the_window_buffer_included(self):
        # promised 4 days ago, buffer 4: the last day of the window
        assert engine.evaluate_promise(promise(due_ago=4), RUN_DATE, 4) is None
        assert engine.evaluate_promise(promise(due_ago=-3), RUN_DATE, 4) is None

    def test_broken_the_first_day_after_the_window(self):
        verdict = engine.evaluate_promise(
            promise(due_ago=5, amount=500, base=1000, current=800), RUN_DATE, 4
        )
        assert verdict == t.PromiseVerdict(
            promise_id=1,
            state=t.PROMISE_BROKEN_STATE,
            promised_date=ago(5),
            amount=Decimal(500),
            paid=Decimal(200),
        )

    def test_kept_when_the_covered_residual_fell_by_the_amount(self):
        verdict = engine.evaluate_promise(
            promise(amount=500, base=1000, current=500), RUN_DATE, 4
        )
        assert verdict.state == t.PROMISE_KEPT
        assert verdict.paid == Decimal(500)

    def test_kept_when_paid_in_full(self):
        verdict = engine.evaluate_promise(
            promise(amount=500, base=600, current=0), RUN_DATE, 4
        )
        assert (verdict.state, verdict.paid) == (t.PROMISE_KEPT, Decimal(600))

    def test_paid_is_never_negative(self):
        # a new invoice in the covered set made the residual grow
        verdict = engine.evaluate_promise(
            promise(amount=500, base=1000, current=1300), RUN_DATE, 4
        )
        assert (verdict.state, verdict.paid) == (t.PROMISE_BROKEN_STATE, Decimal(0))

    @pytest.mark.parametrize(
        "state", [t.PROMISE_KEPT, t.PROMISE_BROKEN_STATE, t.PROMISE_CANCELLED]
    )
    def test_only_open_promises_are_judged(self, state):
        assert engine.evaluate_promise(promise(state=state), RUN_DATE, 4) is None


# ---------------------------------------------------------------------------
# item_codes
# ---------------------------------------------------------------------------
class TestItemCodes:
    def codes(self, it, **kwargs):
        return engine.item_codes(it, snapshot(it, **kwargs))

    def test_overdue_item_beyond_the_buffer_is_eligible(self):
        assert self.codes(item(1, 5)) == ()

    @pytest.mark.parametrize("overdue", [0, -1, -30])
    def test_not_due(self, overdue):
        assert self.codes(item(1, overdue)) == (t.NOT_DUE,)

    @pytest.mark.parametrize("overdue", [1, 4])
    def test_cash_buffer_inclusive(self, overdue):
        assert self.codes(item(1, overdue)) == (t.CASH_BUFFER,)

    def test_buffer_is_the_snapshots(self):
        assert self.codes(item(1, 5), buffer_days=5) == (t.CASH_BUFFER,)
        assert self.codes(item(1, 1), buffer_days=0) == ()

    def test_segment_grace(self):
        assert self.codes(item(1, 13), policy=STRATEGIC) == (t.GRACE_PERIOD,)
        assert self.codes(item(1, 14), policy=STRATEGIC) == ()
        # inside the buffer the buffer is the reason, not the grace
        assert self.codes(item(1, 3), policy=STRATEGIC) == (t.CASH_BUFFER,)

    def test_no_followup(self):
        assert self.codes(item(1, 20, no_followup=True)) == (t.NO_FOLLOWUP,)

    def test_in_payment(self):
        assert self.codes(item(1, 20, in_payment=True)) == (t.PAYMENT_IN_FLIGHT,)

    def test_open_dispute(self):
        disputes = (t.Dispute(1, 1, "open"),)
        assert self.codes(item(1, 20), disputes=disputes) == (t.DISPUTE_HOLD,)

    def test_dispute_on_another_item_does_not_hold(self):
        disputes = (t.Dispute(1, 2, "open"),)
        assert self.codes(item(1, 20), disputes=disputes) == ()

    def test_resolved_dispute_rearms_with_a_fresh_grace_of_cadence_days(self):
        # Standard cadence: 7 days
        fresh = (t.Dispute(1, 1, "resolved", ago(6)),)
        assert self.codes(item(1, 40), disputes=fresh) == (t.GRACE_PERIOD,)
        done = (t.Dispute(1, 1, "resolved", ago(7)),)
        assert self.codes(item(1, 40), disputes=done) == ()

    def test_rejected_dispute_does_not_rearm(self):
        disputes = (t.Dispute(1, 1, "rejected", ago(1)),)
        assert self.codes(item(1, 40), disputes=disputes) == ()

    def test_latest_dispute_decides(self):
        # resolved long ago, then rejected yesterday: no fresh grace
        disputes = (
            t.Dispute(1, 1, "resolved", ago(30)),
            t.Dispute(2, 1, "rejected", ago(1)),
        )
        assert self.codes(item(1, 40), disputes=disputes) == ()
        # rejected long ago, then resolved yesterday: fresh grace
        disputes = (
            t.Dispute(1, 1, "rejected", ago(30)),
            t.Dispute(2, 1, "resolved", ago(1)),
        )
        assert self.codes(item(1, 40), disputes=disputes) == (t.GRACE_PERIOD,)

    def test_an_open_dispute_wins_over_an_older_resolution(self):
        disputes = (t.Dispute(1, 1, "resolved", ago(1)), t.Dispute(2, 1, "open"))
        assert self.codes(item(1, 40), disputes=disputes) == (t.DISPUTE_HOLD,)

    def test_promise_pause_through_promised_date_plus_buffer(self):
        it = item(1, 30)
        for due_ago in (-5, 0, 4):
            codes = self.codes(it, promises=(promise(due_ago=due_ago),))
            assert codes == (t.PROMISE_PAUSE,), due_ago
        assert self.codes(it, promises=(promise(due_ago=5),)) == ()

    def test_promise_naming_items_covers_only_them(self):
        promises = (promise(due_ago=0, item_ids=(2,)),)
        assert self.codes(item(1, 30), promises=promises) == ()
        assert self.codes(item(2, 30), promises=promises) == (t.PROMISE_PAUSE,)

    def test_cancelled_promise_does_not_pause(self):
        promises = (promise(due_ago=0, state=t.PROMISE_CANCELLED),)
        assert self.codes(item(1, 30), promises=promises) == ()

    def test_several_codes_in_reason_code_order(self):
        it = item(1, 2, no_followup=True, in_payment=True)
        codes = self.codes(
            it,
            disputes=(t.Dispute(1, 1, "open"),),
            promises=(promise(due_ago=0),),
        )
        assert codes == (
            t.CASH_BUFFER,
            t.PAYMENT_IN_FLIGHT,
            t.DISPUTE_HOLD,
            t.PROMISE_PAUSE,
            t.NO_FOLLOWUP,
        )


# ---------------------------------------------------------------------------
# decide: holds, exclusion, already touched
# ---------------------------------------------------------------------------
def test_no_items_at_all():
    decision = engine.decide(snapshot())
    assert decision == t.Decision(
        partner_id=7, action=t.NONE, outcome=t.OUTCOME_SUPPRESS
    )
    assert not decision.customer_facing


def test_overdue_item_gets_the_first_reminder():
    decision = engine.decide(snapshot(item(1, 5, residual=250)))
    assert decision.action == t.EMAIL
    assert decision.outcome == t.OUTCOME_SEND
    assert decision.customer_facing
    assert decision.item_ids == (1,)
    assert decision.reason_codes == ()
    assert decision.template_key == "reminder"
    assert decision.step == STANDARD.steps[0]
    assert decision.amount_eligible == decision.amount_asked == Decimal(250)


def test_nothing_eligible_reports_the_union_of_item_codes():
    decision = engine.decide(
        snapshot(
            item(1, 2),
            item(2, -3),
            item(3, 20, no_followup=True),
            disputes=(t.Dispute(1, 3, "open"),),
        )
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.action == t.NONE
    assert decision.item_ids == ()
    assert decision.reason_codes == (
        t.NOT_DUE,
        t.CASH_BUFFER,
        t.DISPUTE_HOLD,
        t.NO_FOLLOWUP,
    )
    assert decision.held == (
        (1, (t.CASH_BUFFER,)),
        (2, (t.NOT_DUE,)),
        (3, (t.DISPUTE_HOLD, t.NO_FOLLOWUP)),
    )


def test_sent_message_lists_eligible_items_and_the_codes_of_held_ones():
    decision = engine.decide(
        snapshot(
            item(3, 20),
            item(1, 10),
            item(2, 20),
            item(4, 1),
            disputes=(t.Dispute(1, 2, "open"),),
        )
    )
    assert decision.action == t.EMAIL
    assert decision.item_ids == (1, 3)
    assert decision.reason_codes == (t.CASH_BUFFER, t.DISPUTE_HOLD)
    assert decision.held == ((2, (t.DISPUTE_HOLD,)), (4, (t.CASH_BUFFER,)))
    # the oldest eligible item (20 days) picks the firmer step
    assert decision.template_key == "firmer"
    assert decision.amount_eligible == Decimal(200)


def test_excluded_partner_is_suppressed_with_excluded_first():
    decision = engine.decide(
        snapshot(
            item(1, 40),
            item(2, 2),
            excluded=True,
            promises=(promise(due_ago=10, item_ids=(1,)),),
        )
    )
    assert decision.action == t.NONE
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.EXCLUDED, t.CASH_BUFFER)
    # the promise is still judged for an excluded partner
    assert [v.state for v in decision.promise_verdicts] == [t.PROMISE_BROKEN_STATE]
    assert decision.broken_promise is None


@pytest.mark.parametrize("state", [t.TOUCH_SENT, t.TOUCH_PLANNED])
def test_already_touched_today(state):
    decision = engine.decide(
        snapshot(item(1, 40), touches=(touch(0, t.PHONE_CALL, state),))
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.ALREADY_TOUCHED,)


@pytest.mark.parametrize("state", ["preview", "suppressed", "failed"])
def test_preview_suppressed_or_failed_touch_today_does_not_count(state):
    decision = engine.decide(snapshot(item(1, 5), touches=(touch(0, state=state),)))
    assert decision.action == t.EMAIL
    assert decision.outcome == t.OUTCOME_SEND


def test_already_touched_wins_over_a_broken_promise():
    decision = engine.decide(
        snapshot(
            item(1, 40),
            promises=(promise(due_ago=10),),
            touches=(touch(0),),
        )
    )
    assert decision.reason_codes == (t.ALREADY_TOUCHED,)
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.promise_verdicts[0].state == t.PROMISE_BROKEN_STATE


# ---------------------------------------------------------------------------
# decide: money in flight and credits
# ---------------------------------------------------------------------------
def test_payment_in_flight_covering_everything_suppresses():
    decision = engine.decide(
        snapshot(
            item(1, 20, residual=300),
            in_flight=(t.InFlight(1, "payment", Decimal(300)),),
        )
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.PAYMENT_IN_FLIGHT,)
    # nothing is asked, but the touch still shows what was due and what covers it
    assert decision.item_ids == ()
    assert decision.amount_eligible == Decimal(300)
    assert decision.amount_in_flight == Decimal(300)
    assert decision.amount_asked == Decimal(0)


def test_credits_and_bank_lines_add_up_to_cover():
    decision = engine.decide(
        snapshot(
            item(1, 20, residual=300),
            credits=(t.Credit(9, "RINV/1", Decimal(100)),),
            in_flight=(t.InFlight(1, "bank_line", Decimal(200)),),
        )
    )
    assert decision.reason_codes == (t.PAYMENT_IN_FLIGHT,)


def test_partial_payment_in_flight_is_acknowledged():
    decision = engine.decide(
        snapshot(
            item(1, 20, residual=300),
            item(2, 10, residual=200),
            credits=(t.Credit(9, "RINV/1", Decimal(50)),),
            in_flight=(t.InFlight(1, "payment", Decimal(120)),),
        )
    )
    assert decision.action == t.EMAIL
    assert decision.outcome == t.OUTCOME_SEND
    assert decision.amount_eligible == Decimal(500)
    assert decision.amount_in_flight == Decimal(120)
    assert decision.amount_credits == Decimal(50)
    assert decision.amount_asked == Decimal(330)


def test_item_in_payment_is_held_not_asked():
    decision = engine.decide(snapshot(item(1, 20, in_payment=True), item(2, 20)))
    assert decision.item_ids == (2,)
    assert decision.reason_codes == (t.PAYMENT_IN_FLIGHT,)
    assert decision.held == ((1, (t.PAYMENT_IN_FLIGHT,)),)


# ---------------------------------------------------------------------------
# decide: steps and channels
# ---------------------------------------------------------------------------
def test_strategic_grace_then_personal_email_planned_for_the_manager():
    assert engine.decide(snapshot(item(1, 13), policy=STRATEGIC)).reason_codes == (
        t.GRACE_PERIOD,
    )
    decision = engine.decide(snapshot(item(1, 14), policy=STRATEGIC))
    assert decision.action == t.PERSONAL_EMAIL
    assert decision.outcome == t.OUTCOME_PLAN
    assert not decision.customer_facing
    assert decision.template_key == "personal"


def test_personal_email_sent_directly_when_the_segment_says_so():
    policy = dataclasses.replace(STRATEGIC, personal_send_direct=True)
    decision = engine.decide(snapshot(item(1, 20), policy=policy))
    assert (decision.action, decision.outcome) == (t.PERSONAL_EMAIL, t.OUTCOME_SEND)


def test_phone_call_is_planned():
    decision = engine.decide(snapshot(item(1, 31), policy=STRATEGIC))
    assert decision.action == t.PHONE_CALL
    assert decision.outcome == t.OUTCOME_PLAN
    assert decision.step == t.Step(30, t.PHONE_CALL, "call")


@pytest.mark.parametrize(
    "overdue, template",
    [(5, "reminder"), (14, "reminder"), (15, "firmer"), (44, "call"), (45, "final")],
)
def test_step_is_the_largest_reached_by_the_oldest_eligible_item(overdue, template):
    decision = engine.decide(snapshot(item(1, overdue), item(2, 5)))
    assert decision.template_key == template


def test_steps_are_taken_in_days_order_whatever_their_sequence():
    policy = dataclasses.replace(STANDARD, steps=tuple(reversed(STANDARD.steps)))
    assert engine.decide(snapshot(item(1, 20), policy=policy)).template_key == "firmer"


def test_no_step_reached_is_a_grace_period():
    policy = dataclasses.replace(STANDARD, steps=(t.Step(10, t.EMAIL, "late"),))
    decision = engine.decide(snapshot(item(1, 8), policy=policy))
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.GRACE_PERIOD,)
    assert decision.item_ids == ()
    assert decision.amount_eligible == Decimal(100)


def test_no_step_at_all_is_a_grace_period():
    policy = t.Policy("none")
    decision = engine.decide(snapshot(item(1, 80), policy=policy))
    assert decision.reason_codes == (t.GRACE_PERIOD,)


# ---------------------------------------------------------------------------
# decide: statement
# ---------------------------------------------------------------------------
def five_items(overdue=10):
    return [item(n, overdue) for n in range(1, 6)]


def test_statement_from_the_threshold():
    assert engine.decide(snapshot(*five_items()[:4])).action == t.EMAIL
    decision = engine.decide(snapshot(*five_items()))
    assert decision.action == t.ACTION_STATEMENT
    assert decision.outcome == t.OUTCOME_SEND
    assert decision.reason_codes == (t.STATEMENT,)
    assert decision.item_ids == (1, 2, 3, 4, 5)


def test_held_items_do_not_count_towards_the_threshold():
    its = [*five_items()[:4], item(5, 10, no_followup=True)]
    decision = engine.decide(snapshot(*its))
    assert decision.action == t.EMAIL
    assert decision.reason_codes == (t.NO_FOLLOWUP,)


def test_statement_only_replaces_automated_email():
    decision = engine.decide(snapshot(*five_items(35)))
    assert decision.action == t.PHONE_CALL


def test_statement_at_most_once_in_seven_days():
    recent = (touch(6, t.ACTION_STATEMENT),)
    policy = dataclasses.replace(STANDARD, cadence_days=3)
    decision = engine.decide(snapshot(*five_items(), policy=policy, touches=recent))
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.CADENCE,)
    week_ago = (touch(7, t.ACTION_STATEMENT),)
    decision = engine.decide(snapshot(*five_items(), policy=policy, touches=week_ago))
    assert decision.action == t.ACTION_STATEMENT


# ---------------------------------------------------------------------------
# decide: cadence and weekly cap
# ---------------------------------------------------------------------------
def test_cadence_counts_from_the_last_contact():
    decision = engine.decide(snapshot(item(1, 20), touches=(touch(6),)))
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.CADENCE,)
    assert decision.step == STANDARD.steps[1]
    decision = engine.decide(snapshot(item(1, 20), touches=(touch(7),)))
    assert decision.outcome == t.OUTCOME_SEND


def test_planned_phone_call_counts_for_cadence():
    touches = (touch(2, t.PHONE_CALL, t.TOUCH_PLANNED),)
    decision = engine.decide(snapshot(item(1, 20), touches=touches))
    assert decision.reason_codes == (t.CADENCE,)


@pytest.mark.parametrize(
    "past",
    [
        touch(2, state="preview"),
        touch(2, state="suppressed"),
        touch(2, state="failed"),
        touch(2, action=t.NONE),
    ],
)
def test_touches_that_are_no_contact_do_not_count_for_cadence(past):
    decision = engine.decide(snapshot(item(1, 20), touches=(past,)))
    assert decision.outcome == t.OUTCOME_SEND


def test_cadence_is_reported_before_the_codes_of_held_items():
    decision = engine.decide(
        snapshot(item(1, 20), item(2, 2), touches=(touch(3),)),
    )
    assert decision.reason_codes == (t.CADENCE, t.CASH_BUFFER)


def test_weekly_cap_counts_customer_facing_messages_of_the_rolling_week():
    policy = dataclasses.replace(WATCHLIST, cadence_days=1, weekly_cap=2)
    touches = (touch(6), touch(3))
    decision = engine.decide(snapshot(item(1, 20), policy=policy, touches=touches))
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.WEEKLY_CAP,)
    # a message exactly 7 days ago has left the window
    touches = (touch(7), touch(3))
    decision = engine.decide(snapshot(item(1, 20), policy=policy, touches=touches))
    assert decision.outcome == t.OUTCOME_SEND


def test_weekly_cap_ignores_planned_activities():
    policy = dataclasses.replace(WATCHLIST, cadence_days=1, weekly_cap=1)
    touches = (
        touch(3, t.PHONE_CALL, t.TOUCH_PLANNED),
        touch(2, t.PERSONAL_EMAIL, t.TOUCH_PLANNED),
    )
    decision = engine.decide(snapshot(item(1, 20), policy=policy, touches=touches))
    assert decision.action == t.EMAIL
    assert decision.outcome == t.OUTCOME_SEND


def test_weekly_cap_does_not_stop_a_planned_call():
    policy = dataclasses.replace(WATCHLIST, cadence_days=1, weekly_cap=1)
    decision = engine.decide(snapshot(item(1, 6), policy=policy, touches=(touch(3),)))
    assert (decision.action, decision.outcome) == (t.PHONE_CALL, t.OUTCOME_PLAN)


def test_weekly_cap_stops_a_statement():
    policy = dataclasses.replace(STANDARD, cadence_days=1, weekly_cap=1)
    decision = engine.decide(
        snapshot(*five_items(), policy=policy, touches=(touch(3),))
    )
    assert decision.reason_codes == (t.WEEKLY_CAP,)


# ---------------------------------------------------------------------------
# decide: no email
# ---------------------------------------------------------------------------
def test_no_email_turns_the_reminder_into_a_call_for_the_manager():
    decision = engine.decide(snapshot(item(1, 10), has_email=False))
    assert decision.action == t.PHONE_CALL
    assert decision.outcome == t.OUTCOME_PLAN
    assert decision.reason_codes == (t.NO_CONTACT,)
    assert decision.item_ids == (1,)


def test_no_email_statement_becomes_a_call():
    decision = engine.decide(snapshot(*five_items(), has_email=False))
    assert decision.action == t.PHONE_CALL
    assert decision.reason_codes == (t.NO_CONTACT,)


def test_no_email_personal_draft_becomes_a_call():
    decision = engine.decide(snapshot(item(1, 20), policy=STRATEGIC, has_email=False))
    assert decision.action == t.PHONE_CALL
    assert decision.reason_codes == (t.NO_CONTACT,)


def test_no_email_is_not_stopped_by_the_weekly_cap():
    policy = dataclasses.replace(STANDARD, cadence_days=1, weekly_cap=0)
    decision = engine.decide(snapshot(item(1, 10), policy=policy, has_email=False))
    assert (decision.action, decision.outcome) == (t.PHONE_CALL, t.OUTCOME_PLAN)


# ---------------------------------------------------------------------------
# decide: promises
# ---------------------------------------------------------------------------
def test_open_promise_pauses_its_items():
    decision = engine.decide(
        snapshot(item(1, 40), promises=(promise(due_ago=2, item_ids=(1,)),))
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.PROMISE_PAUSE,)
    assert decision.promise_verdicts == ()


def test_broken_promise_gets_its_specific_message():
    decision = engine.decide(
        snapshot(
            item(1, 40, residual=1000),
            item(2, 40, residual=300),
            item(3, 1),
            promises=(promise(due_ago=5, amount=1000, base=1300, current=1300),),
            # inside the cadence: a broken promise bypasses it
            touches=(touch(2, t.PHONE_CALL, t.TOUCH_PLANNED),),
        )
    )
    assert decision.action == t.BROKEN_PROMISE
    assert decision.outcome == t.OUTCOME_SEND
    assert decision.reason_codes == (t.PROMISE_BROKEN, t.CASH_BUFFER)
    # the covered items that may be asked for; item 3 is still in the buffer
    assert decision.item_ids == (1, 2)
    assert decision.amount_eligible == Decimal(1300)
    assert decision.broken_promise == decision.promise_verdicts[0]
    assert decision.broken_promise.paid == Decimal(0)
    assert decision.step is None


def test_broken_promise_asks_only_for_its_own_items():
    decision = engine.decide(
        snapshot(
            item(1, 40),
            item(2, 40),
            promises=(promise(due_ago=5, item_ids=(2,)),),
        )
    )
    assert decision.action == t.BROKEN_PROMISE
    assert decision.item_ids == (2,)


def test_broken_promise_asks_for_items_still_in_the_segment_grace():
    decision = engine.decide(
        snapshot(
            item(1, 12),
            item(2, 2),
            policy=STRATEGIC,
            promises=(promise(due_ago=5, amount=100, base=200, current=200),),
        )
    )
    assert decision.action == t.BROKEN_PROMISE
    assert decision.item_ids == (1,)
    # asked, so not listed as held; the buffer still holds item 2
    assert decision.held == ((2, (t.CASH_BUFFER,)),)
    assert decision.reason_codes == (t.PROMISE_BROKEN, t.CASH_BUFFER)


def test_earliest_broken_promise_is_the_one_answered():
    decision = engine.decide(
        snapshot(
            item(1, 40),
            item(2, 40),
            promises=(
                promise(2, due_ago=6, item_ids=(2,)),
                promise(1, due_ago=9, item_ids=(1,)),
            ),
        )
    )
    assert decision.broken_promise.promise_id == 1
    assert [v.promise_id for v in decision.promise_verdicts] == [1, 2]


def test_kept_promise_with_nothing_open_only_yields_its_verdict():
    decision = engine.decide(
        snapshot(promises=(promise(due_ago=5, base=1000, current=0),))
    )
    assert decision.action == t.NONE
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == ()
    assert [v.state for v in decision.promise_verdicts] == [t.PROMISE_KEPT]
    assert decision.broken_promise is None


def test_kept_promise_resumes_normal_dunning_of_what_is_left():
    decision = engine.decide(
        snapshot(
            item(1, 40),
            promises=(promise(due_ago=5, amount=500, base=600, current=100),),
        )
    )
    assert decision.action == t.PHONE_CALL
    assert decision.promise_verdicts[0].state == t.PROMISE_KEPT


def test_broken_promise_respects_the_weekly_cap():
    policy = dataclasses.replace(STANDARD, weekly_cap=1)
    decision = engine.decide(
        snapshot(
            item(1, 40),
            policy=policy,
            promises=(promise(due_ago=5),),
            touches=(touch(2),),
        )
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.PROMISE_BROKEN, t.WEEKLY_CAP)
    assert decision.broken_promise is not None


def test_broken_promise_without_email_is_a_call():
    decision = engine.decide(
        snapshot(item(1, 40), promises=(promise(due_ago=5),), has_email=False)
    )
    assert (decision.action, decision.outcome) == (t.PHONE_CALL, t.OUTCOME_PLAN)
    assert decision.reason_codes == (t.PROMISE_BROKEN, t.NO_CONTACT)
    assert decision.broken_promise is not None


def test_broken_promise_covered_by_money_in_flight_is_not_chased():
    decision = engine.decide(
        snapshot(
            item(1, 40, residual=400),
            promises=(promise(due_ago=5),),
            in_flight=(t.InFlight(1, "payment", Decimal(400)),),
        )
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.PAYMENT_IN_FLIGHT, t.PROMISE_BROKEN)


def test_broken_promise_on_disputed_items_only_is_not_chased():
    # the customer disputed the invoice after promising: no message asks for it
    decision = engine.decide(
        snapshot(
            item(1, 40),
            promises=(promise(due_ago=5, item_ids=(1,)),),
            disputes=(t.Dispute(1, 1, "open"),),
        )
    )
    assert decision.outcome == t.OUTCOME_SUPPRESS
    assert decision.reason_codes == (t.DISPUTE_HOLD,)
    assert decision.promise_verdicts[0].state == t.PROMISE_BROKEN_STATE


def test_second_broken_promise_answered_when_the_first_has_nothing_to_ask():
    decision = engine.decide(
        snapshot(
            item(1, 40, no_followup=True),
            item(2, 40),
            promises=(
                promise(1, due_ago=9, item_ids=(1,)),
                promise(2, due_ago=6, item_ids=(2,)),
            ),
        )
    )
    assert decision.broken_promise.promise_id == 2
    assert decision.item_ids == (2,)


# ---------------------------------------------------------------------------
# helpers and purity
# ---------------------------------------------------------------------------
def test_decide_is_deterministic():
    snap = snapshot(
        item(2, 20),
        item(1, 30),
        disputes=(t.Dispute(1, 2, "open"),),
        touches=(touch(9),),
    )
    assert engine.decide(snap) == engine.decide(snap)


def test_ordered_codes():
    codes = [t.NO_CONTACT, t.STATEMENT, t.NOT_DUE, t.STATEMENT, "custom"]
    assert engine.ordered_codes(codes) == (
        t.NOT_DUE,
        t.STATEMENT,
        t.NO_CONTACT,
        "custom",
    )


def test_customer_facing_count():
    touches = (
        touch(0),
        touch(6),
        touch(7),
        touch(1, t.PHONE_CALL, t.TOUCH_PLANNED),
        touch(2, state="failed"),
    )
    assert engine.customer_facing_count(touches, RUN_DATE) == 2
