# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL


class DunningFatigueWeek(models.Model):
    """Customer-facing messages per customer and ISO week: the dunning run's sent
    touches plus invoices sent from Odoo (a comment on a customer invoice or credit
    note)."""

    _name = "dunning.fatigue.week"
    _description = "Customer-Facing Messages per Week"
    _auto = False
    _order = "week_start desc, message_count desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    week_start = fields.Date(string="Week Of", readonly=True)
    week = fields.Char(string="ISO Week", readonly=True)
    dunning_count = fields.Integer(string="Dunning Messages", readonly=True)
    invoice_send_count = fields.Integer(string="Invoice Sends", readonly=True)
    message_count = fields.Integer(string="Messages", readonly=True)
    over_five = fields.Boolean(string="Over Five a Week", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    WITH messages AS (
                        SELECT touch.partner_id,
                               touch.company_id,
                               touch.date AS day,
                               1 AS dunning,
                               0 AS invoice_send
                          FROM dunning_touch touch
                         WHERE touch.state = 'sent'
                           AND touch.customer_facing
                        UNION ALL
                        SELECT move.commercial_partner_id,
                               move.company_id,
                               message.date::date,
                               0,
                               1
                          FROM mail_message message
                          JOIN account_move move ON move.id = message.res_id
                         WHERE message.model = 'account.move'
                           AND message.message_type = 'comment'
                           AND message.subtype_id = (
                                SELECT res_id FROM ir_model_data
                                 WHERE module = 'mail' AND name = 'mt_comment'
                           )
                           AND move.move_type IN ('out_invoice', 'out_refund')
                           AND move.commercial_partner_id IS NOT NULL
                           AND message.author_id
                               IS DISTINCT FROM move.commercial_partner_id
                           AND message.author_id IS DISTINCT FROM move.partner_id
                    )
                    SELECT ROW_NUMBER() OVER (
                               ORDER BY company_id, partner_id, date_trunc('week', day)
                           ) AS id,
                           partner_id,
                           company_id,
                           date_trunc('week', day)::date AS week_start,
                           to_char(date_trunc('week', day), 'IYYY-"W"IW') AS week,
                           SUM(dunning) AS dunning_count,
                           SUM(invoice_send) AS invoice_send_count,
                           COUNT(*) AS message_count,
                           COUNT(*) > 5 AS over_five
                      FROM messages
                     GROUP BY partner_id, company_id, date_trunc('week', day)
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
