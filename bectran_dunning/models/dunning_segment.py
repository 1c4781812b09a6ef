# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.types import Policy, Step


class DunningSegment(models.Model):
    _name = "dunning.segment"
    _description = "Dunning Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable technical code of the segment.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    grace_days = fields.Integer(
        string="Grace (days overdue)",
        help="No automated touch before the oldest invoice is this many days overdue.",
    )
    cadence_days = fields.Integer(
        string="Cadence (days)",
        default=7,
        help="Minimum number of days between two touches of the same customer. "
        "A resolved dispute also waits this long before its invoice is dunned again.",
    )
    weekly_cap = fields.Integer(
        default=2,
        help="Maximum number of customer-facing messages in any rolling 7 days.",
    )
    first_touch = fields.Selection(
        [
            ("personal", "Personal email from the credit manager"),
            ("automated", "Automated reminder"),
        ],
        required=True,
        default="automated",
    )
    statement_threshold = fields.Integer(
        default=5,
        help="Customers with at least this many eligible invoices receive a statement "
        "of "
        "account instead of an invoice-by-invoice message.",
    )
    personal_send_direct = fields.Boolean(
        string="Send personal emails directly",
        help="When unchecked, a personal email is prepared as a draft in an activity "
        "for the "
        "credit manager, who reviews and sends it.",
    )
    default_manager_id = fields.Many2one(
        "res.users",
        string="Default Credit Manager",
        help="Contact person and activity owner for customers without a named credit "
        "manager.",
    )
    step_ids = fields.One2many(
        "dunning.segment.step", "segment_id", string="Steps", copy=True
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")
    # Fit rules for the segment review: a customer whose behaviour falls outside them is
    # flagged for its manager, never moved silently.
    review_max_avg_days_late = fields.Float(
        string="Max. Average Days Late",
        help="Flag customers of this segment whose average payment delay exceeds this "
        "value over the last 12 months (0: no limit).",
    )
    review_max_broken_promises = fields.Integer(
        string="Max. Broken Promises",
        help="Flag customers with more broken promises than this over the last 12 "
        "months "
        "(-1: no limit).",
        default=-1,
    )
    review_min_avg_days_late = fields.Float(
        string="Better Than: Average Days Late",
        help="Suggest a more trusted segment when the average payment delay is at most "
        "this "
        "value (-1: never suggested).",
        default=-1,
    )
    review_min_broken_promises = fields.Integer(
        string="Better Than: Broken Promises",
        help="... and the number of broken promises is at most this value.",
    )
    review_better_segment_id = fields.Many2one(
        "dunning.segment",
        string="Suggest Segment",
        help="Segment suggested when a customer does better than the rule above.",
    )

    _code_unique = models.Constraint(
        "UNIQUE(code)", "The code of a dunning segment must be unique."
    )

    def _compute_partner_count(self):
        groups = self.env["res.partner"]._read_group(
            [("dunning_segment_id", "in", self.ids)],
            ["dunning_segment_id"],
            ["__count"],
        )
        counts = {segment.id: count for segment, count in groups}
        for segment in self:
            segment.partner_count = counts.get(segment.id, 0)

    @api.constrains("grace_days", "cadence_days", "weekly_cap", "statement_threshold")
    def _check_policy_values(self):
        for segment in self:
            if segment.grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "The grace period of segment %(name)s cannot be negative.",
                        name=segment.name,
                    )
                )
            if segment.cadence_days < 0:
                raise ValidationError(
                    self.env._(
                        "The cadence of segment %(name)s cannot be negative.",
                        name=segment.name,
                    )
                )
            if segment.weekly_cap < 1:
                raise ValidationError(
                    self.env._(
                        "The weekly cap of segment %(name)s must allow at least one "
                        "message.",
                        name=segment.name,
                    )
                )
            if segment.statement_threshold < 1:
                raise ValidationError(
                    self.env._(
                        "The statement threshold of segment %(name)s must be at least "
                        "1 invoice.",
                        name=segment.name,
                    )
                )

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers in %(segment)s", segment=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("dunning_segment_id", "=", self.id)],
            "context": {"default_dunning_segment_id": self.id},
        }

    def _policy(self):
        """The core ``Policy`` of this segment."""
        self.ensure_one()
        steps = tuple(
            Step(
                days=step.days,
                channel=step.channel,
                template_key=str(step.mail_template_id.id or ""),
            )
            for step in self.step_ids.sorted(lambda s: (s.sequence, s.days, s.id))
        )
        return Policy(
            code=self.code or str(self.id),
            grace_days=self.grace_days,
            cadence_days=self.cadence_days,
            weekly_cap=self.weekly_cap,
            first_touch=self.first_touch,
            statement_threshold=self.statement_threshold,
            steps=steps,
            personal_send_direct=self.personal_send_direct,
        )
