"""Segment review metrics (SPEC §2, "Segment review")."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bectran_dunning.core import review
from bectran_dunning.core.review import Behaviour, FitRule, PaidInvoice

AS_OF = date(2026, 6, 30)


def invoice(inv_id, amount, issued_ago, due_days=30, paid_late=None):
    """An invoice issued ``issued_ago`` days before AS_OF, due ``due_days`` later,
    paid ``paid_late`` days after its due date (``None``: still open)."""
    issued = AS_OF - timedelta(days=issued_ago)
    due = issued + timedelta(days=due_days)
    paid = None if paid_late is None else due + timedelta(days=paid_late)
    return PaidInvoice(inv_id, Decimal(amount), issued, due, paid)


def behaviour(avg="0", broken=0, **kwargs):
    values = {
        "avg_days_late": Decimal(avg),
        "share_paid_late": Decimal("0"),
        "broken_promises": broken,
        "kept_promises": 0,
        "disputes": 0,
        "revenue": Decimal("0"),
    }
    values.update(kwargs)
    return Behaviour(**values)


# ---------------------------------------------------------------------------
# compute_behaviour
# ---------------------------------------------------------------------------
def test_average_days_late_is_weighted_by_amount():
    result = review.compute_behaviour(
        [
            invoice(1, 3000, 200, paid_late=60),
            invoice(2, 1000, 150, paid_late=0),
            invoice(3, 1000, 100, paid_late=-5),  # early counts as 0, not -5
        ],
        [],
        0,
        AS_OF,
    )
    assert result.avg_days_late == Decimal("36.00")
    assert result.share_paid_late == Decimal("0.3333")
    assert (result.paid_count, result.paid_late_count) == (3, 1)
    assert result.revenue == Decimal(5000)


def test_open_invoices_are_late_up_to_the_as_of_date():
    # issued 50 days ago, due 30 days after: 20 days late today, still open
    result = review.compute_behaviour([invoice(1, 100, 50)], [], 0, AS_OF)
    assert result.avg_days_late == Decimal("20.00")
    # no paid invoice: no share
    assert result.share_paid_late == Decimal(0)
    assert result.paid_count == 0


def test_not_yet_due_open_invoice_is_not_late():
    result = review.compute_behaviour([invoice(1, 100, 10)], [], 0, AS_OF)
    assert result.avg_days_late == Decimal(0)


def test_paid_after_the_as_of_date_is_still_open_then():
    inv = invoice(1, 100, 50, paid_late=40)  # paid 20 days after AS_OF
    result = review.compute_behaviour([inv], [], 0, AS_OF)
    assert result.avg_days_late == Decimal("20.00")
    assert result.paid_count == 0


def test_only_invoices_of_the_last_365_days():
    result = review.compute_behaviour(
        [
            invoice(1, 100, 365, paid_late=90),  # outside: (as_of - 365, as_of]
            invoice(2, 100, 364, paid_late=10),
            invoice(3, 100, 0, due_days=30),
            invoice(4, 100, -1),  # issued tomorrow
        ],
        [],
        0,
        AS_OF,
    )
    assert result.invoice_count == 2
    assert result.revenue == Decimal(200)
    assert result.avg_days_late == Decimal("5.00")


def test_months_shortens_the_window():
    invoices = [invoice(1, 100, 40, paid_late=10), invoice(2, 100, 20, paid_late=0)]
    result = review.compute_behaviour(invoices, [], 0, AS_OF, months=1)
    assert result.invoice_count == 1
    assert result.avg_days_late == Decimal(0)


def test_promises_and_disputes_are_counted():
    result = review.compute_behaviour(
        [], ["broken", "kept", "broken", "open", "cancelled"], 3, AS_OF
    )
    assert (result.broken_promises, result.kept_promises, result.disputes) == (
        2,
        1,
        3,
    )
    assert result.avg_days_late == Decimal(0)
    assert result.revenue == Decimal(0)


# ---------------------------------------------------------------------------
# review
# ---------------------------------------------------------------------------
STRATEGIC_RULE = FitRule(max_avg_days_late=Decimal(30), max_broken_promises=1)
WATCHLIST_RULE = FitRule(
    max_avg_days_late=None,
    max_broken_promises=None,
    min_avg_days_late=Decimal(15),
    min_broken_promises=2,
)


def test_fitting_customer_is_not_flagged():
    assert review.review(behaviour("30", 1), STRATEGIC_RULE, "strategic") is None


def test_strategic_paying_late_is_flagged_towards_standard():
    flag = review.review(
        behaviour("62", 0, kept_promises=2, disputes=1), STRATEGIC_RULE, "strategic"
    )
    assert flag.segment_code == "strategic"
    assert flag.suggested_code == "standard"
    assert flag.evidence[0] == "Average days late 62.0 exceeds 30 for Strategic."
    assert flag.evidence[-1] == (
        "Promises to pay: 2 kept, 0 broken; disputes opened: 1."
    )


def test_broken_promises_beyond_the_rule():
    flag = review.review(behaviour("10", 3), STRATEGIC_RULE, "standard")
    assert flag.suggested_code == "watchlist"
    assert flag.evidence[0] == "3 broken promises to pay exceed 1 for Standard."


def test_both_limits_exceeded_give_both_sentences():
    beh = behaviour(
        "45.25",
        2,
        share_paid_late=Decimal("0.75"),
        paid_count=4,
        paid_late_count=3,
    )
    flag = review.review(beh, STRATEGIC_RULE, "strategic")
    assert flag.evidence == (
        "Average days late 45.3 exceeds 30 for Strategic.",
        "2 broken promises to pay exceed 1 for Strategic.",
        "3 of 4 invoices paid in the period were paid late (75 %).",
        "Promises to pay: 0 kept, 2 broken; disputes opened: 0.",
    )


def test_watchlist_paying_well_is_flagged_towards_standard():
    flag = review.review(behaviour("3", 0), WATCHLIST_RULE, "watchlist")
    assert flag.suggested_code == "standard"
    assert flag.evidence[:2] == (
        "Average days late 3.0 is below 15 for Watchlist.",
        "0 broken promises to pay are fewer than 2 for Watchlist.",
    )


@pytest.mark.parametrize("avg, broken", [("15", 0), ("3", 2)])
def test_watchlist_fits_while_one_minimum_is_met(avg, broken):
    assert review.review(behaviour(avg, broken), WATCHLIST_RULE, "watchlist") is None


def test_minimum_on_days_late_only():
    rule = FitRule(None, None, min_avg_days_late=Decimal(15))
    assert review.review(behaviour("20", 0), rule, "watchlist") is None
    assert review.review(behaviour("5", 0), rule, "watchlist") is not None


def test_minimum_on_broken_promises_only():
    rule = FitRule(None, None, min_broken_promises=1)
    assert review.review(behaviour("50", 1), rule, "watchlist") is None
    assert review.review(behaviour("50", 0), rule, "watchlist") is not None


def test_worse_wins_over_better():
    rule = FitRule(
        Decimal(30), None, min_avg_days_late=Decimal(15), min_broken_promises=5
    )
    flag = review.review(behaviour("40", 0), rule, "watchlist")
    assert flag.suggested_code is None
    assert flag.evidence[0] == "Average days late 40.0 exceeds 30 for Watchlist."


def test_suggestions_override_the_default_order():
    suggestions = {"worse": "on_hold", "better": "gold"}
    flag = review.review(behaviour("62"), STRATEGIC_RULE, "strategic", suggestions)
    assert flag.suggested_code == "on_hold"
    flag = review.review(behaviour("1"), WATCHLIST_RULE, "watchlist", suggestions)
    assert flag.suggested_code == "gold"


def test_suggestion_set_to_none_suggests_nothing():
    flag = review.review(
        behaviour("62"), STRATEGIC_RULE, "strategic", {"worse": None, "better": "x"}
    )
    assert flag.suggested_code is None


def test_missing_suggestion_key_falls_back_to_the_default():
    flag = review.review(behaviour("62"), STRATEGIC_RULE, "strategic", {"better": "x"})
    assert flag.suggested_code == "standard"


def test_float_thresholds_from_the_database_read_naturally():
    rule = FitRule(max_avg_days_late=30.0, max_broken_promises=None)
    flag = review.review(behaviour("31.5"), rule, "key_account")
    assert flag.evidence[0] == "Average days late 31.5 exceeds 30 for Key Account."
    rule = FitRule(max_avg_days_late=22.5, max_broken_promises=None)
    flag = review.review(behaviour("31.5"), rule, "key_account")
    assert flag.evidence[0] == "Average days late 31.5 exceeds 22.5 for Key Account."


def test_empty_rule_never_flags():
    rule = FitRule(None, None)
    assert review.review(behaviour("400", 9), rule, "standard") is None


# ---------------------------------------------------------------------------
# revenue_rank_top
# ---------------------------------------------------------------------------
def test_top_fifth_by_revenue():
    revenues = {pid: Decimal(pid * 100) for pid in range(1, 11)}
    assert review.revenue_rank_top(revenues) == {9, 10}


def test_top_rounds_up_and_breaks_ties_by_lower_id():
    revenues = {3: Decimal(500), 1: Decimal(500), 2: Decimal(100)}
    assert review.revenue_rank_top(revenues) == {1}


def test_top_never_holds_a_partner_without_revenue():
    assert review.revenue_rank_top({1: Decimal(0), 2: Decimal(-10)}) == set()
    assert review.revenue_rank_top({}) == set()


def test_top_share_is_a_parameter():
    revenues = {pid: Decimal(pid) for pid in range(1, 5)}
    assert review.revenue_rank_top(revenues, Decimal("0.5")) == {3, 4}


# ---------------------------------------------------------------------------
# percentile and median
# ---------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks():
    assert review.percentile([1, 2, 3, 4], 90) == Decimal("3.7")
    assert review.percentile([4, 1, 3, 2], 50) == Decimal("2.5")
    assert review.percentile([10, 20], 0) == Decimal(10)
    assert review.percentile([10, 20], 100) == Decimal(20)
    assert review.percentile([7], 90) == Decimal(7)


def test_percentile_accepts_floats_and_decimals():
    assert review.percentile([0.1, Decimal("0.3")], 50) == Decimal("0.2")


@pytest.mark.parametrize("values, q", [([], 50), ([1, 2], -1), ([1, 2], 101)])
def test_percentile_rejects_nonsense(values, q):
    with pytest.raises(ValueError):
        review.percentile(values, q)


def test_median():
    assert review.median([5, 1, 3]) == Decimal(3)
    assert review.median([1, 2, 3, 10]) == Decimal("2.5")
