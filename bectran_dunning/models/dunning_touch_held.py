# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL


class DunningTouchHeld(models.Model):
    """Customer-facing messages that asked for an invoice which should have been held on
    that day: under an open dispute, inside a promise-to-pay window, or already paid by
    money received but not yet applied. When the run behaves, this list stays empty."""

    _name = "dunning.touch.held"
    _description = "Messages Sent While Held"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "touch_id"

    touch_id = fields.Many2one("dunning.touch", string="Decision", readonly=True)
    run_id = fields.Many2one("dunning.run", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    hold = fields.Selection(
        [
            ("dispute", "Open dispute"),
            ("promise", "Promise to pay"),
            ("payment_in_flight", "Payment received, not applied"),
        ],
        readonly=True,
    )
    dispute_id = fields.Many2one("dunning.dispute", readonly=True)
    promise_id = fields.Many2one("dunning.promise", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    WITH sent AS (
                        SELECT touch.id AS touch_id,
                               touch.run_id,
                               touch.partner_id,
                               touch.company_id,
                               touch.date,
                               touch.create_date,
                               rel.move_id
                          FROM dunning_touch touch
                          JOIN dunning_touch_move_rel rel ON rel.touch_id = touch.id
                         WHERE touch.state = 'sent'
                           AND touch.customer_facing
                    ),
                    held AS (
                        -- A dispute holds its invoice from the run after it was logged.
                        SELECT sent.*, 'dispute' AS hold, dispute.id AS dispute_id,
                               NULL::integer AS promise_id
                          FROM sent
                          JOIN dunning_dispute dispute ON dispute.move_id = sent.move_id
                         WHERE (dispute.date_open < sent.date
                                OR (dispute.date_open = sent.date
                                    AND dispute.create_date <= sent.create_date))
                           AND (dispute.date_closed IS NULL
                                OR dispute.date_closed > sent.date)
                        UNION ALL
                        -- A promise pauses its invoices (all of them when none is
                        -- named) through the promised date plus the buffer.
                        SELECT sent.*, 'promise', NULL, promise.id
                          FROM sent
                          JOIN dunning_promise promise
                            ON promise.partner_id = sent.partner_id
                           AND promise.company_id = sent.company_id
                          JOIN res_company company ON company.id = sent.company_id
                         WHERE promise.state != 'cancelled'
                           AND promise.create_date <= sent.create_date
                           AND sent.date <= promise.promised_date
                               + COALESCE(company.dunning_buffer_days, 0)
                           AND (promise.date_judged IS NULL
                                OR promise.date_judged > sent.date)
                           AND (
                                EXISTS (
                                    SELECT 1 FROM dunning_promise_move_rel prel
                                     WHERE prel.promise_id = promise.id
                                       AND prel.move_id = sent.move_id
                                )
                                OR NOT EXISTS (
                                    SELECT 1 FROM dunning_promise_move_rel prel
                                     WHERE prel.promise_id = promise.id
                                )
                           )
                        UNION ALL
                        -- Money that had arrived by the touch date and was applied to
                        -- the invoice only afterwards.
                        SELECT DISTINCT ON (sent.touch_id, sent.move_id)
                               sent.*, 'payment_in_flight', NULL, NULL
                          FROM sent
                          JOIN account_move_line inv_line
                            ON inv_line.move_id = sent.move_id
                          JOIN account_account inv_account
                            ON inv_account.id = inv_line.account_id
                           AND inv_account.account_type = 'asset_receivable'
                          JOIN account_partial_reconcile partial
                            ON partial.debit_move_id = inv_line.id
                          JOIN account_move_line pay_line
                            ON pay_line.id = partial.credit_move_id
                          JOIN account_move pay_move ON pay_move.id = pay_line.move_id
                         WHERE pay_move.move_type = 'entry'
                           AND pay_line.date <= sent.date
                           AND partial.create_date > sent.create_date
                    )
                    SELECT ROW_NUMBER() OVER (ORDER BY touch_id, move_id, hold) AS id,
                           touch_id, run_id, partner_id, company_id, date,
                           move_id, hold, dispute_id, promise_id
                      FROM held
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
