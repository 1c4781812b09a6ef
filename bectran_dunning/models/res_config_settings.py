# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_buffer_days = fields.Integer(
        related="company_id.dunning_buffer_days", readonly=False
    )
    dunning_default_segment_id = fields.Many2one(
        related="company_id.dunning_default_segment_id", readonly=False
    )
