"""Value types of the dunning decision: a snapshot of one partner's account in, a
decision out.

Everything is immutable, amounts are ``Decimal`` in the company currency, and every
date is passed in: nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")

# Reason codes (SPEC §2). Their order here is the order in which they are reported.
NOT_DUE = "not_due"
CASH_BUFFER = "cash_buffer"
GRACE_PERIOD = "grace_period"
PAYMENT_IN_FLIGHT = "payment_in_flight"
DISPUTE_HOLD = "dispute_hold"
PROMISE_PAUSE = "promise_pause"
PROMISE_BROKEN = "promise_broken"
NO_FOLLOWUP = "no_followup"
EXCLUDED = "excluded"
CADENCE = "cadence"
WEEKLY_CAP = "weekly_cap"
ALREADY_TOUCHED = "already_touched"
STATEMENT = "statement"
NO_CONTACT = "no_contact"

REASON_CODES = (
    NOT_DUE,
    CASH_BUFFER,
    GRACE_PERIOD,
    PAYMENT_IN_FLIGHT,
    DISPUTE_HOLD,
    PROMISE_PAUSE,
    PROMISE_BROKEN,
    NO_FOLLOWUP,
    EXCLUDED,
    CADENCE,
    WEEKLY_CAP,
    ALREADY_TOUCHED,
    STATEMENT,
    NO_CONTACT,
)

# Channels of a segment step.
EMAIL = "email"
PERSONAL_EMAIL = "personal_email"
PHONE_CALL = "phone_call"
CHANNELS = (EMAIL, PERSONAL_EMAIL, PHONE_CALL)

# Actions of a decision (and of a dunning.touch).
NONE = "none"
ACTION_STATEMENT = "statement"
BROKEN_PROMISE = "broken_promise"
ACTIONS = (NONE, EMAIL, PERSONAL_EMAIL, PHONE_CALL, ACTION_STATEMENT, BROKEN_PROMISE)

# What the shell must do with a decision.
OUTCOME_SEND = "send"  # a customer-facing message leaves now
# An activity for the credit manager (phone call, personal draft, task).
OUTCOME_PLAN = "plan"
OUTCOME_SUPPRESS = "suppress"  # nothing is done; the reasons say why

# Past touch states that count as contact (a preview, a suppression or a failure
# does not).
TOUCH_SENT = "sent"
TOUCH_PLANNED = "planned"

# Promise states.
PROMISE_OPEN = "open"
PROMISE_KEPT = "kept"
PROMISE_BROKEN_STATE = "broken"
PROMISE_CANCELLED = "cancelled"


@dataclass(frozen=True)
class Item:
    """An open customer invoice (posted ``out_invoice`` with a residual)."""

    id: int
    name: str
    date_due: date
    amount_total: Decimal
    residual: Decimal
    no_followup: bool = False
    in_payment: bool = False


@dataclass(frozen=True)
class Credit:
    """An unreconciled credit note: it nets what is asked."""

    id: int
    name: str
    amount: Decimal  # positive


@dataclass(frozen=True)
class InFlight:
    """Money received but not yet applied: a posted payment or a bank statement line."""

    id: int
    kind: str  # "payment" | "bank_line"
    amount: Decimal  # positive
    date: date | None = None


@dataclass(frozen=True)
class Dispute:
    id: int
    item_id: int
    state: str  # "open" | "resolved" | "rejected"
    closed_date: date | None = None  # when it was resolved or rejected


@dataclass(frozen=True)
class Promise:
    id: int
    promised_date: date
    amount: Decimal
    state: str = PROMISE_OPEN
    item_ids: tuple[int, ...] = ()  # empty: every open item of the partner
    base_residual: Decimal = ZERO  # covered residual when the promise was logged
    current_residual: Decimal = ZERO  # covered residual now (paid invoices count as 0)
    currency: str = ""


@dataclass(frozen=True)
class PastTouch:
    date: date
    action: str
    state: str  # "sent" | "planned" | "suppressed" | "preview" | "failed"
    customer_facing: bool = False
    step_days: int | None = None


@dataclass(frozen=True)
class Step:
    days: int  # days overdue at which the step starts
    channel: str  # email | personal_email | phone_call
    template_key: str = ""


@dataclass(frozen=True)
class Policy:
    """A trust segment's dunning policy."""

    code: str
    grace_days: int = 0
    cadence_days: int = 7
    weekly_cap: int = 2
    first_touch: str = "automated"  # "personal" | "automated"
    statement_threshold: int = 5
    steps: tuple[Step, ...] = ()
    personal_send_direct: bool = False


@dataclass(frozen=True)
class Snapshot:
    """One partner's account as the run sees it on ``run_date``."""

    partner_id: int
    run_date: date
    policy: Policy
    buffer_days: int = 4
    items: tuple[Item, ...] = ()
    credits: tuple[Credit, ...] = ()
    in_flight: tuple[InFlight, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    promises: tuple[Promise, ...] = ()
    touches: tuple[PastTouch, ...] = ()
    excluded: bool = False
    has_email: bool = True
    currency: str = ""


@dataclass(frozen=True)
class PromiseVerdict:
    promise_id: int
    state: str  # kept | broken
    promised_date: date
    amount: Decimal
    paid: Decimal  # how much the covered residual fell


@dataclass(frozen=True)
class Decision:
    partner_id: int
    action: str  # one of ACTIONS
    outcome: str  # send | plan | suppress
    item_ids: tuple[int, ...] = ()  # items the message asks for (or the call is about)
    # Deciding codes, then the codes of the items held back.
    reason_codes: tuple[str, ...] = ()
    # (item id, its codes) of every held item, by item id.
    held: tuple[tuple[int, tuple[str, ...]], ...] = ()
    template_key: str = ""
    step: Step | None = None
    amount_asked: Decimal = ZERO  # eligible residual less credits and money in flight
    amount_eligible: Decimal = ZERO
    amount_in_flight: Decimal = ZERO  # acknowledged in the message when partial
    amount_credits: Decimal = ZERO
    promise_verdicts: tuple[PromiseVerdict, ...] = ()
    broken_promise: PromiseVerdict | None = None

    @property
    def customer_facing(self) -> bool:
        return self.outcome == OUTCOME_SEND
