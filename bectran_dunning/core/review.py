"""Segment review: does a customer's payment behaviour still fit its trust segment?

Pure functions over plain values: the Odoo shell gathers 12 months of invoices, promise
states and disputes, and turns a :class:`ReviewFlag` into an activity for the credit
manager. A flag is a suggestion with its evidence; nothing here reassigns a segment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .types import PROMISE_BROKEN_STATE, PROMISE_KEPT, ZERO

DAYS_PER_MONTH = Decimal(365) / Decimal(12)
AVG_QUANT = Decimal("0.01")
SHARE_QUANT = Decimal("0.0001")

# Where a customer goes when it no longer fits the seeded segments (SPEC §2).
DEFAULT_WORSE = {"strategic": "standard", "standard": "watchlist"}
DEFAULT_BETTER = {"watchlist": "standard", "standard": "strategic"}


@dataclass(frozen=True)
class PaidInvoice:
    """A customer invoice of the history; ``paid_date`` is ``None`` while it is open."""

    id: int
    amount: Decimal
    invoice_date: date
    date_due: date
    paid_date: date | None = None


@dataclass(frozen=True)
class Behaviour:
    avg_days_late: Decimal  # amount-weighted, open invoices late up to the as-of date
    share_paid_late: Decimal  # 0..1, over the paid invoices
    broken_promises: int
    kept_promises: int
    disputes: int
    revenue: Decimal  # invoiced over the period
    invoice_count: int = 0
    paid_count: int = 0
    paid_late_count: int = 0


@dataclass(frozen=True)
class FitRule:
    """What fits a segment. ``max_*``: worse than this no longer fits (the customer
    should move to a riskier segment). ``min_*``: a segment for risky customers is
    fitting while one of them is met; when every stated ``min_*`` is unmet the customer
    behaves better than the segment assumes. ``None`` states nothing."""

    max_avg_days_late: Decimal | None
    max_broken_promises: int | None
    min_avg_days_late: Decimal | None = None
    min_broken_promises: int | None = None


@dataclass(frozen=True)
class ReviewFlag:
    segment_code: str
    suggested_code: str | None
    evidence: tuple[str, ...]


def _dec(value) -> Decimal:
    """``value`` as a Decimal; a float goes through its shortest repr (30.0 -> 30.0,
    not 30.000000000000001...)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _days_late(invoice: PaidInvoice, as_of: date) -> int:
    paid = invoice.paid_date
    end = paid if paid is not None and paid <= as_of else as_of
    return max((end - invoice.date_due).days, 0)


def compute_behaviour(
    invoices: Iterable[PaidInvoice],
    promise_states: Iterable[str],
    disputes: int,
    as_of: date,
    months: int = 12,
) -> Behaviour:
    """Payment behaviour over the ``months`` before ``as_of``.

    Only invoices with ``invoice_date`` in ``(as_of - 365 days, as_of]`` count (for
    12 months; a month is 365/12 days). An invoice paid after ``as_of`` is still open
    on ``as_of``. Average days late is weighted by amount, so a large invoice paid
    60 days late weighs more than a small one paid on time.
    """
    since = as_of - timedelta(days=int(DAYS_PER_MONTH * months))
    window = [i for i in invoices if since < i.invoice_date <= as_of]
    weight = sum((abs(i.amount) for i in window), ZERO)
    late_sum = sum((abs(i.amount) * _days_late(i, as_of) for i in window), ZERO)
    avg = (late_sum / weight).quantize(AVG_QUANT, ROUND_HALF_UP) if weight else ZERO
    paid = [i for i in window if i.paid_date is not None and i.paid_date <= as_of]
    paid_late = [i for i in paid if i.paid_date > i.date_due]
    share = ZERO
    if paid:
        share = (Decimal(len(paid_late)) / len(paid)).quantize(
            SHARE_QUANT, ROUND_HALF_UP
        )
    states = list(promise_states)
    return Behaviour(
        avg_days_late=avg,
        share_paid_late=share,
        broken_promises=states.count(PROMISE_BROKEN_STATE),
        kept_promises=states.count(PROMISE_KEPT),
        disputes=disputes,
        revenue=sum((i.amount for i in window), ZERO),
        invoice_count=len(window),
        paid_count=len(paid),
        paid_late_count=len(paid_late),
    )


def _figure(value) -> str:
    """A threshold as a person writes it: 30, 2.5."""
    value = _dec(value)
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.normalize())


def _days(value: Decimal) -> str:
    """Days late with one decimal, half up as people round (45.25 -> 45.3)."""
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _label(segment_code: str) -> str:
    return (segment_code or "its segment").replace("_", " ").title()


def _worse_evidence(behaviour: Behaviour, rule: FitRule, label: str) -> list[str]:
    evidence = []
    avg = behaviour.avg_days_late
    if rule.max_avg_days_late is not None and avg > _dec(rule.max_avg_days_late):
        evidence.append(
            f"Average days late {_days(avg)} exceeds "
            f"{_figure(rule.max_avg_days_late)} for {label}."
        )
    broken = behaviour.broken_promises
    if rule.max_broken_promises is not None and broken > rule.max_broken_promises:
        evidence.append(
            f"{broken} broken promises to pay exceed "
            f"{rule.max_broken_promises} for {label}."
        )
    return evidence


def _better_evidence(behaviour: Behaviour, rule: FitRule, label: str) -> list[str]:
    """Sentences when every stated ``min_*`` is unmet; empty otherwise."""
    evidence = []
    avg = behaviour.avg_days_late
    if rule.min_avg_days_late is not None:
        if avg >= _dec(rule.min_avg_days_late):
            return []
        evidence.append(
            f"Average days late {_days(avg)} is below "
            f"{_figure(rule.min_avg_days_late)} for {label}."
        )
    broken = behaviour.broken_promises
    if rule.min_broken_promises is not None:
        if broken >= rule.min_broken_promises:
            return []
        evidence.append(
            f"{broken} broken promises to pay are fewer than "
            f"{rule.min_broken_promises} for {label}."
        )
    return evidence


def _context_evidence(behaviour: Behaviour) -> list[str]:
    evidence = []
    if behaviour.paid_count:
        evidence.append(
            f"{behaviour.paid_late_count} of {behaviour.paid_count} invoices paid in "
            f"the period were paid late ({behaviour.share_paid_late * 100:.0f} %)."
        )
    evidence.append(
        f"Promises to pay: {behaviour.kept_promises} kept, "
        f"{behaviour.broken_promises} broken; disputes opened: {behaviour.disputes}."
    )
    return evidence


def review(
    behaviour: Behaviour,
    rule: FitRule,
    segment_code: str,
    suggestions: Mapping[str, str | None] | None = None,
) -> ReviewFlag | None:
    """A flag when ``behaviour`` no longer fits the segment ``segment_code``.

    ``suggestions`` names the segment to suggest: ``{"worse": code, "better": code}``
    (a key set to ``None`` suggests nothing; a missing key or ``None`` for the whole
    mapping falls back to the seeded order strategic > standard > watchlist). When the
    customer is worse than a ``max_*`` it is flagged towards "worse", whatever the
    ``min_*`` say.
    """
    suggestions = suggestions or {}
    label = _label(segment_code)
    evidence = _worse_evidence(behaviour, rule, label)
    direction, defaults = "worse", DEFAULT_WORSE
    if not evidence:
        evidence = _better_evidence(behaviour, rule, label)
        direction, defaults = "better", DEFAULT_BETTER
    if not evidence:
        return None
    if direction in suggestions:
        suggested = suggestions[direction]
    else:
        suggested = defaults.get(segment_code)
    return ReviewFlag(
        segment_code=segment_code,
        suggested_code=suggested or None,
        evidence=tuple(evidence + _context_evidence(behaviour)),
    )


def revenue_rank_top(
    revenues: Mapping[int, Decimal], share: Decimal = Decimal("0.2")
) -> set[int]:
    """The partners in the top ``share`` of ``revenues`` by count (rounded up, so one
    customer out of three is "top"), largest first, ties broken by the lower id.
    Partners without a positive revenue are never top."""
    if not revenues:
        return set()
    size = math.ceil(len(revenues) * _dec(share))
    ranked = sorted(revenues.items(), key=lambda row: (-_dec(row[1]), row[0]))
    return {pid for pid, revenue in ranked[:size] if _dec(revenue) > 0}


def percentile(values: Iterable, q) -> Decimal:
    """The ``q``-th percentile (``q`` from 0 to 100) of ``values`` with linear
    interpolation between the closest ranks (as Excel's PERCENTILE.INC and numpy's
    default). Values may be ``int``, ``float`` or ``Decimal``; the result is always a
    ``Decimal`` (floats converted through their repr). Raises ``ValueError`` on no
    values or a ``q`` outside 0..100."""
    data = sorted(_dec(v) for v in values)
    if not data:
        raise ValueError("percentile of no values")
    q = _dec(q)
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    rank = (len(data) - 1) * q / 100
    low = int(rank)
    if low == len(data) - 1:
        return data[low]
    return data[low] + (data[low + 1] - data[low]) * (rank - low)


def median(values: Iterable) -> Decimal:
    """The median of ``values`` (see :func:`percentile`)."""
    return percentile(values, 50)
