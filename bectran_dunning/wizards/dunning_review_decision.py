# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError

DEFAULT_SNOOZE_DAYS = 90


class DunningReviewDecision(models.TransientModel):
    """The credit manager's answer to a segment review: approve the suggested segment or
    keep the current one with a reason. Both are logged on the customer."""

    _name = "dunning.review.decision"
    _description = "Segment Review Decision"

    behaviour_id = fields.Many2one(
        "dunning.behaviour", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="behaviour_id.partner_id")
    segment_id = fields.Many2one(
        related="behaviour_id.segment_id", string="Current Segment"
    )
    suggested_segment_id = fields.Many2one(
        "dunning.segment",
        string="New Segment",
        compute="_compute_suggested_segment_id",
        store=True,
        readonly=False,
    )
    review_evidence = fields.Text(related="behaviour_id.review_evidence")
    reason = fields.Text(
        string="Reason to Keep",
        help="Why the customer stays in its segment despite the evidence; logged on "
        "the customer.",
    )
    snooze_days = fields.Integer(compute="_compute_snooze_days")

    @api.depends("behaviour_id")
    def _compute_suggested_segment_id(self):
        for wizard in self:
            wizard.suggested_segment_id = wizard.behaviour_id.suggested_segment_id

    def _compute_snooze_days(self):
        self.snooze_days = self._snooze_days()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner_id = self.env.context.get("default_partner_id")
        if not values.get("behaviour_id") and partner_id:
            partner = self.env["res.partner"].browse(partner_id).commercial_partner_id
            behaviour = self.env["dunning.behaviour"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", self.env.company.id),
                ],
                limit=1,
            )
            if not behaviour:
                raise UserError(
                    self.env._(
                        "%(partner)s has no payment behaviour yet: it is computed "
                        "every night for customers invoiced in the last 12 months.",
                        partner=partner.display_name,
                    )
                )
            values["behaviour_id"] = behaviour.id
        return values

    @api.model
    def _snooze_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bectran_dunning.review_snooze_days", DEFAULT_SNOOZE_DAYS)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_SNOOZE_DAYS

    def action_approve(self):
        self.ensure_one()
        if not self.suggested_segment_id:
            raise UserError(self.env._("Choose the segment the customer moves to."))
        self.behaviour_id._approve(self.suggested_segment_id)
        return {"type": "ir.actions.act_window_close"}

    def action_keep(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why %(partner)s keeps its segment: the reason is logged on "
                    "the customer.",
                    partner=self.partner_id.display_name,
                )
            )
        self.behaviour_id._keep(reason, self._snooze_days())
        return {"type": "ir.actions.act_window_close"}
