# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningDisputeWizard(models.TransientModel):
    _name = "dunning.dispute.wizard"
    _description = "Log a Dispute"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0)]",
    )
    reason = fields.Selection(
        selection=lambda self: self.env["dunning.dispute"]._fields["reason"].selection,
        required=True,
        default="other",
    )
    note = fields.Html()
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            values["move_ids"] = [fields.Command.set(context["active_ids"])]
        return values

    def action_confirm(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Select the invoice the customer disputes."))
        disputes = self.env["dunning.dispute"].create(
            [
                {
                    "move_id": move.id,
                    "reason": self.reason,
                    "note": self.note,
                    "user_id": self.user_id.id,
                }
                for move in self.move_ids
            ]
        )
        if len(disputes) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "dunning.dispute",
                "res_id": disputes.id,
                "view_mode": "form",
            }
        return {"type": "ir.actions.act_window_close"}
