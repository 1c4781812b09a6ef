# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class DunningRun(models.Model):
    _name = "dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    dry_run = fields.Boolean(readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
    )
    touch_ids = fields.One2many("dunning.touch", "run_id", string="Decisions")
    touch_count = fields.Integer(compute="_compute_touch_count")

    def _compute_name(self):
        for run in self:
            label = self.env._("Preview") if run.dry_run else self.env._("Run")
            run.name = f"{label} {run.date or ''}"

    def _compute_touch_count(self):
        for run in self:
            run.touch_count = len(run.touch_ids)

    def _decide_partners(self, partners, date=None):
        """Return ``{partner_id: core Decision}`` for ``partners`` on ``date``, sending nothing."""
        return {}
