# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools
from odoo.tools import SQL


class DunningTouchReason(models.Model):
    """One row per reason code of each dunning decision: what the run held back, and
    why."""

    _name = "dunning.touch.reason"
    _description = "Dunning Decisions by Reason"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reason_code"

    touch_id = fields.Many2one("dunning.touch", string="Decision", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("dunning.segment", readonly=True)
    date = fields.Date(readonly=True)
    state = fields.Selection(
        selection=lambda self: self.env["dunning.touch"]._fields["state"].selection,
        readonly=True,
    )
    action = fields.Selection(
        selection=lambda self: self.env["dunning.touch"]._fields["action"].selection,
        readonly=True,
    )
    customer_facing = fields.Boolean(readonly=True)
    reason_code = fields.Selection(
        selection="_selection_reason_code", string="Reason", readonly=True
    )
    amount_eligible = fields.Monetary(string="Amount Not Asked", readonly=True)

    @api.model
    def _selection_reason_code(self):
        return [
            ("not_due", self.env._("Not due")),
            ("cash_buffer", self.env._("Cash-application buffer")),
            ("grace_period", self.env._("Grace period")),
            ("payment_in_flight", self.env._("Payment in flight")),
            ("dispute_hold", self.env._("Dispute")),
            ("promise_pause", self.env._("Promise to pay")),
            ("promise_broken", self.env._("Promise broken")),
            ("no_followup", self.env._("No follow-up")),
            ("excluded", self.env._("Customer excluded")),
            ("cadence", self.env._("Cadence")),
            ("weekly_cap", self.env._("Weekly cap")),
            ("already_touched", self.env._("Already contacted today")),
            ("statement", self.env._("Statement instead")),
            ("no_contact", self.env._("No email address")),
        ]

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT ROW_NUMBER() OVER (ORDER BY touch.id, reason.position) AS id,
                           touch.id AS touch_id,
                           touch.partner_id,
                           touch.company_id,
                           company.currency_id,
                           touch.segment_id,
                           touch.date,
                           touch.state,
                           touch.action,
                           touch.customer_facing,
                           trim(reason.code) AS reason_code,
                           touch.amount_eligible
                      FROM dunning_touch touch
                      JOIN res_company company ON company.id = touch.company_id
                     CROSS JOIN LATERAL unnest(string_to_array(touch.reason_codes, ','))
                           WITH ORDINALITY AS reason(code, position)
                     WHERE trim(reason.code) <> ''
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
