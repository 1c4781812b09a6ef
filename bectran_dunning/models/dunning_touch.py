# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class DunningTouch(models.Model):
    """What a dunning run decided for one customer, and why. Written by the run only."""

    _name = "dunning.touch"
    _description = "Dunning Decision"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    run_id = fields.Many2one(
        "dunning.run", ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True, readonly=True)
    action = fields.Selection(
        [
            ("none", "Nothing"),
            ("email", "Email"),
            ("personal_email", "Personal Email"),
            ("phone_call", "Phone Call"),
            ("statement", "Statement of Account"),
            ("broken_promise", "Broken Promise Email"),
        ],
        required=True,
        default="none",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("planned", "Planned"),
            ("suppressed", "Suppressed"),
            ("preview", "Preview"),
            ("failed", "Failed"),
        ],
        required=True,
        default="suppressed",
        readonly=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "dunning_touch_move_rel",
        "touch_id",
        "move_id",
        string="Invoices Asked",
        readonly=True,
    )
    held_move_ids = fields.Many2many(
        "account.move",
        "dunning_touch_held_move_rel",
        "touch_id",
        "move_id",
        string="Invoices Held Back",
        readonly=True,
    )
    reason_codes = fields.Char(readonly=True, help="Comma-separated reason codes.")
    reason_text = fields.Text(string="Why", compute="_compute_reason_text")
    customer_facing = fields.Boolean(readonly=True)
    segment_id = fields.Many2one("dunning.segment", readonly=True)
    step_id = fields.Many2one("dunning.segment.step", readonly=True)
    manager_id = fields.Many2one("res.users", string="Credit Manager", readonly=True)
    amount_eligible = fields.Monetary(readonly=True)
    amount_asked = fields.Monetary(readonly=True)
    amount_in_flight = fields.Monetary(string="Received, Not Applied", readonly=True)
    amount_credits = fields.Monetary(string="Credits", readonly=True)
    promise_id = fields.Many2one(
        "dunning.promise", readonly=True, index="btree_not_null"
    )
    mail_message_id = fields.Many2one(
        "mail.message", readonly=True, index="btree_not_null"
    )
    mail_id = fields.Many2one("mail.mail", readonly=True, index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    # One contact per customer and day: a concurrent run fails on this index instead of
    # writing to the customer a second time.
    _one_contact_per_day = models.UniqueIndex(
        "(partner_id, company_id, date) WHERE state IN ('queued', 'sent', 'planned')",
        "A customer can be contacted only once a day.",
    )

    @api.depends("partner_id", "action", "date")
    def _compute_display_name(self):
        actions = dict(self._fields["action"]._description_selection(self.env))
        for touch in self:
            touch.display_name = (
                f"{touch.partner_id.display_name or ''}: "
                + self.env._(
                    "%(action)s on %(date)s",
                    action=actions.get(touch.action, touch.action or ""),
                    date=touch.date or "",
                )
            )

    @api.depends("reason_codes")
    def _compute_reason_text(self):
        labels = self._reason_labels()
        for touch in self:
            codes = [c for c in (touch.reason_codes or "").split(",") if c]
            touch.reason_text = "\n".join(labels.get(code, code) for code in codes)

    @api.model
    def _reason_labels(self):
        """Reason code → plain sentence, in the user's language."""
        return {
            "not_due": self.env._("No invoice is overdue yet."),
            "cash_buffer": self.env._(
                "The overdue invoices are within the cash-application buffer: a "
                "payment may "
                "already be on its way."
            ),
            "grace_period": self.env._(
                "The customer's segment grants a grace period that is not over yet."
            ),
            "payment_in_flight": self.env._(
                "A payment has been received but not yet applied; it covers what is "
                "overdue."
            ),
            "dispute_hold": self.env._(
                "An invoice is under dispute and is held back until the dispute is "
                "closed."
            ),
            "promise_pause": self.env._(
                "The customer promised to pay; dunning is paused until the promised "
                "date "
                "plus the buffer."
            ),
            "promise_broken": self.env._("A promise to pay was not kept."),
            "no_followup": self.env._(
                "An invoice is marked to be excluded from follow-ups."
            ),
            "excluded": self.env._("The customer is excluded from dunning."),
            "cadence": self.env._(
                "The customer was contacted recently; the segment's cadence is not "
                "over yet."
            ),
            "weekly_cap": self.env._(
                "The weekly limit of messages to this customer is reached."
            ),
            "already_touched": self.env._("The customer was already contacted today."),
            "statement": self.env._(
                "Many invoices are open: a single statement of account is sent instead "
                "of "
                "separate reminders."
            ),
            "no_contact": self.env._(
                "The customer has no email address: a phone call is planned."
            ),
        }
