# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_buffer_days = fields.Integer(
        string="Cash-Application Buffer (days)",
        default=4,
        help="No invoice is dunned while it is at most this many days overdue: the "
        "payment "
        "may be on its way.",
    )
    dunning_default_segment_id = fields.Many2one(
        "dunning.segment",
        string="Default Dunning Segment",
        help="Segment of customers without a segment and with a normal degree of "
        "trust.",
    )

    @api.constrains("dunning_buffer_days")
    def _check_dunning_buffer_days(self):
        for company in self:
            if company.dunning_buffer_days < 0:
                raise ValidationError(
                    self.env._("The cash-application buffer cannot be negative.")
                )
