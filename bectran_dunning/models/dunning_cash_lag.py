# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..core import review as core_review

HISTORY_MONTHS = 12


class DunningCashLag(models.AbstractModel):
    """How long cash application really takes: days between money arriving (the bank
    statement line, else the payment date) and its reconciliation with a customer
    invoice."""

    _name = "dunning.cash.lag"
    _description = "Measured Cash-Application Lag"

    @api.model
    def _lag_days(self, company, as_of=None):
        """``{account.journal: [lag in days, ...]}`` of the customer invoices reconciled
        in the last 12 months, one query for the company."""
        as_of = fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            """
            SELECT pay_move.journal_id,
                   GREATEST(
                       partial.create_date::date
                       - COALESCE(bank.date, pay_move.date),
                       0
                   ) AS lag
              FROM account_partial_reconcile partial
              JOIN account_move_line inv_line ON inv_line.id = partial.debit_move_id
              JOIN account_account inv_account ON inv_account.id = inv_line.account_id
              JOIN account_move inv ON inv.id = inv_line.move_id
              JOIN account_move_line pay_line ON pay_line.id = partial.credit_move_id
              JOIN account_move pay_move ON pay_move.id = pay_line.move_id
              -- A payment matched with a bank statement line: the money arrived on the
              -- statement line's date.
              LEFT JOIN LATERAL (
                    SELECT MIN(st_move.date) AS date
                      FROM account_move_line out_line
                      JOIN account_partial_reconcile st_partial
                        ON out_line.id IN (st_partial.debit_move_id,
                                           st_partial.credit_move_id)
                      JOIN account_move_line st_line
                        ON st_line.id IN (st_partial.debit_move_id,
                                          st_partial.credit_move_id)
                       AND st_line.id != out_line.id
                      JOIN account_move st_move
                        ON st_move.id = st_line.move_id
                       AND st_move.statement_line_id IS NOT NULL
                     WHERE out_line.move_id = pay_move.id
                       AND out_line.id != pay_line.id
                       AND pay_move.statement_line_id IS NULL
              ) bank ON TRUE
             WHERE partial.company_id = %(company)s
               AND inv.move_type = 'out_invoice'
               AND inv_account.account_type = 'asset_receivable'
               AND pay_move.move_type = 'entry'
               AND (pay_move.origin_payment_id IS NOT NULL
                    OR pay_move.statement_line_id IS NOT NULL)
               AND partial.create_date >= %(since)s
               AND partial.create_date < %(until)s
            """,
            {
                "company": company.id,
                "since": as_of - relativedelta(months=HISTORY_MONTHS),
                "until": as_of + relativedelta(days=1),
            },
        )
        result = defaultdict(list)
        for journal_id, lag in self.env.cr.fetchall():
            result[journal_id].append(lag)
        journals = self.env["account.journal"].browse(list(result))
        return {journal: result[journal.id] for journal in journals}

    @api.model
    def _measure(self, company, as_of=None):
        """Per journal: ``(journal, count, median, 90th percentile)``, slowest first."""
        rows = [
            (
                journal,
                len(lags),
                float(core_review.median(lags)),
                float(core_review.percentile(lags, 90)),
            )
            for journal, lags in self._lag_days(company, as_of).items()
            if lags
        ]
        return sorted(rows, key=lambda row: (-row[3], row[0].id))


def format_days(value):
    """7.0 → "7", 7.25 → "7.3"."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
