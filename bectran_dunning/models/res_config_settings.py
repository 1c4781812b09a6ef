# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import math

from odoo import api, fields, models

from .dunning_cash_lag import format_days


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_buffer_days = fields.Integer(
        related="company_id.dunning_buffer_days", readonly=False
    )
    dunning_default_segment_id = fields.Many2one(
        related="company_id.dunning_default_segment_id", readonly=False
    )

    dunning_measured_lag_median = fields.Float(
        string="Measured Median Lag (days)", compute="_compute_dunning_measured_lag"
    )
    dunning_measured_lag_p90 = fields.Float(
        string="Measured 90th Percentile Lag (days)",
        compute="_compute_dunning_measured_lag",
        help="Slowest journal's 90th percentile of the days between money arriving "
        "and its reconciliation with a customer invoice, over the last 12 months.",
    )
    dunning_lag_summary = fields.Text(
        string="Cash Application per Journal", compute="_compute_dunning_measured_lag"
    )
    dunning_lag_warning = fields.Char(compute="_compute_dunning_measured_lag")

    @api.depends("company_id", "dunning_buffer_days")
    def _compute_dunning_measured_lag(self):
        for settings in self:
            rows = self.env["dunning.cash.lag"]._measure(settings.company_id)
            if not rows:
                settings.dunning_measured_lag_median = 0.0
                settings.dunning_measured_lag_p90 = 0.0
                settings.dunning_lag_summary = self.env._(
                    "No customer payment reconciled in the last 12 months yet."
                )
                settings.dunning_lag_warning = False
                continue
            journal, _count, median, p90 = rows[0]
            settings.dunning_measured_lag_median = median
            settings.dunning_measured_lag_p90 = p90
            settings.dunning_lag_summary = "\n".join(
                self.env._(
                    "%(journal)s: median %(median)s days, 90th percentile %(p90)s days "
                    "(%(count)s payments)",
                    journal=row[0].name,
                    median=format_days(row[2]),
                    p90=format_days(row[3]),
                    count=row[1],
                )
                for row in rows
            )
            buffer_days = settings.dunning_buffer_days
            if buffer_days < p90:
                settings.dunning_lag_warning = self.env._(
                    "The buffer (%(buffer)s days) is shorter than the measured 90th "
                    "percentile (%(p90)s days) of cash application on %(journal)s: "
                    "consider %(advice)s days.",
                    buffer=buffer_days,
                    p90=format_days(p90),
                    journal=journal.name,
                    advice=math.ceil(p90),
                )
            else:
                settings.dunning_lag_warning = False
