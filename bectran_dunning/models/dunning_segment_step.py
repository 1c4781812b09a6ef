# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningSegmentStep(models.Model):
    _name = "dunning.segment.step"
    _description = "Dunning Segment Step"
    _order = "segment_id, sequence, days, id"

    segment_id = fields.Many2one(
        "dunning.segment", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    days = fields.Integer(
        string="Days Overdue",
        help="The step starts when the oldest invoice is this late.",
    )
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("personal_email", "Personal Email"),
            ("phone_call", "Phone Call"),
        ],
        required=True,
        default="email",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "dunning.touch")],
        help="Rendered on the dunning decision (touch) of the customer.",
    )

    @api.constrains("days", "sequence", "segment_id")
    def _check_days_increase(self):
        for segment in self.segment_id:
            steps = segment.step_ids.sorted(lambda s: (s.sequence, s.id))
            if any(step.days < 0 for step in steps):
                raise ValidationError(
                    self.env._(
                        "Steps of segment %(segment)s cannot start before the due "
                        "date.",
                        segment=segment.name,
                    )
                )
            days = steps.mapped("days")
            if any(
                later <= earlier for earlier, later in zip(days, days[1:], strict=False)
            ):
                raise ValidationError(
                    self.env._(
                        "Steps of segment %(segment)s must start at increasing days "
                        "overdue: "
                        "%(order)s.",
                        segment=segment.name,
                        order=", ".join(f"{step.name} ({step.days})" for step in steps),
                    )
                )
