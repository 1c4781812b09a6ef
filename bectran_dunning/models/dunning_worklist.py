# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL


class DunningWorklist(models.Model):
    """Customers to act on: overdue invoices that no dispute or promise holds back.

    A database view, so that the list sorts by amount and age; it is evaluated when
    it is read (against the database's current date), never stored.
    """

    _name = "dunning.worklist"
    _description = "Collections Worklist"
    _auto = False
    _order = "overdue_amount desc, oldest_due_date"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("dunning.segment", readonly=True)
    manager_id = fields.Many2one("res.users", string="Credit Manager", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
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
