# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL


class DunningWorklist(models.Model):
    """Customers to act on: overdue invoices that no dispute or promise holds back,
    less the money already received but not yet applied to them (unapplied credit
    notes and payments, payments without journal entry, unreconciled bank statement
    lines), as the dunning run counts it: a customer whose payment is waiting for cash
    application is not chased.

    A database view, so that the list sorts by amount and age; it is evaluated when
    it is read (against the database's current date), never stored.
    """

    _name = "dunning.worklist"
    _description = "Collections Worklist"
    _auto = False
    _order = "to_collect_amount desc, oldest_due_date"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("dunning.segment", readonly=True)
    manager_id = fields.Many2one("res.users", string="Credit Manager", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    unapplied_amount = fields.Monetary(
        string="Received, Not Applied",
        readonly=True,
        help="Credit notes, payments and bank statement lines of the customer not yet "
        "matched with an invoice.",
    )
    to_collect_amount = fields.Monetary(string="To Collect", readonly=True)
    invoice_count = fields.Integer(string="Overdue Invoices", readonly=True)
    oldest_due_date = fields.Date(readonly=True)
    days_overdue = fields.Integer(compute="_compute_days_overdue")
    last_touch_date = fields.Date(string="Last Contact", readonly=True)

    def _compute_days_overdue(self):
        today = fields.Date.context_today(self)
        for row in self:
            row.days_overdue = (
                (today - row.oldest_due_date).days if row.oldest_due_date else 0
            )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(table)s AS (
              WITH overdue AS (
                SELECT MIN(m.id) AS id,
                       m.commercial_partner_id AS partner_id,
                       m.company_id,
                       c.currency_id,
                       rp.dunning_segment_id AS segment_id,
                       rp.dunning_manager_id AS manager_id,
                       SUM(m.amount_residual_signed) AS overdue_amount,
                       COUNT(*) AS invoice_count,
                       MIN(m.invoice_date_due) AS oldest_due_date,
                       (
                           SELECT MAX(t.date)
                             FROM dunning_touch t
                            WHERE t.partner_id = m.commercial_partner_id
                              AND t.company_id = m.company_id
                              AND t.state IN ('queued', 'sent', 'planned')
                       ) AS last_touch_date
                  FROM account_move m
                  JOIN res_partner rp ON rp.id = m.commercial_partner_id
                  JOIN res_company c ON c.id = m.company_id
                 WHERE m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.amount_residual > 0
                   AND m.invoice_date_due < CURRENT_DATE
                   AND NOT COALESCE(rp.dunning_excluded, FALSE)
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move_line l
                         JOIN account_account a ON a.id = l.account_id
                        WHERE l.move_id = m.id
                          AND a.account_type = 'asset_receivable'
                          AND l.no_followup
                   )
                   AND NOT EXISTS (
                       SELECT 1 FROM dunning_dispute d
                        WHERE d.move_id = m.id AND d.state = 'open'
                   )
                   AND NOT EXISTS (
                       SELECT 1 FROM dunning_promise p
                        WHERE p.state = 'open'
                          AND p.company_id = m.company_id
                          AND (
                              EXISTS (
                                  SELECT 1 FROM dunning_promise_move_rel r
                                   WHERE r.promise_id = p.id AND r.move_id = m.id
                              )
                              OR (
                                  p.partner_id = m.commercial_partner_id
                                  AND NOT EXISTS (
                                      SELECT 1 FROM dunning_promise_move_rel r
                                       WHERE r.promise_id = p.id
                                  )
                              )
                          )
                   )
                 GROUP BY m.commercial_partner_id, m.company_id, c.currency_id,
                          rp.dunning_segment_id, rp.dunning_manager_id
              ),
              unapplied AS (
                SELECT u.partner_id, u.company_id, SUM(u.amount) AS amount
                  FROM (
                    SELECT p.commercial_partner_id AS partner_id, l.company_id,
                           -l.amount_residual AS amount
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id
                      JOIN res_partner p ON p.id = l.partner_id
                     WHERE l.parent_state = 'posted'
                       AND a.account_type = 'asset_receivable'
                       AND NOT l.reconciled
                       AND l.amount_residual < 0
                    UNION ALL
                    SELECT p.commercial_partner_id, st.company_id,
                           COALESCE(NULLIF(ABS(st.amount_residual), 0), st.amount)
                      FROM account_bank_statement_line st
                      JOIN res_partner p ON p.id = st.partner_id
                     WHERE NOT st.is_reconciled
                       AND st.amount > 0
                    UNION ALL
                    -- registered without a journal entry yet, matched to no invoice
                    SELECT p.commercial_partner_id, pay.company_id,
                           pay.amount_company_currency_signed
                      FROM account_payment pay
                      JOIN res_partner p ON p.id = pay.partner_id
                     WHERE pay.state = 'in_process'
                       AND pay.move_id IS NULL
                       AND pay.partner_type = 'customer'
                       AND pay.payment_type = 'inbound'
                       AND NOT EXISTS (
                           SELECT 1 FROM account_move__account_payment r
                            WHERE r.payment_id = pay.id
                       )
                  ) u
                 GROUP BY u.partner_id, u.company_id
              )
              SELECT o.*,
                     COALESCE(u.amount, 0) AS unapplied_amount,
                     o.overdue_amount - COALESCE(u.amount, 0) AS to_collect_amount
                FROM overdue o
                LEFT JOIN unapplied u
                  ON u.partner_id = o.partner_id AND u.company_id = o.company_id
               WHERE o.overdue_amount - COALESCE(u.amount, 0) > 0
            )
            """,
                table=SQL.identifier(self._table),
            )
        )

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {
            "search_default_late": 1,
            "default_move_type": "out_invoice",
        }
        return action
