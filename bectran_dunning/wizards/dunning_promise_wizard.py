# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningPromiseWizard(models.TransientModel):
    _name = "dunning.promise.wizard"
    _description = "Log a Promise to Pay"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', "
        "company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0)]",
        help="Leave empty when the payment covers every open invoice of the customer.",
    )
    promised_date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    channel = fields.Selection(
        selection=lambda self: self.env["dunning.promise"]._fields["channel"].selection,
        required=True,
        default="phone",
    )
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        moves = self.env["account.move"]
        if context.get("active_model") == "account.move" and context.get("active_ids"):
            moves = moves.browse(context["active_ids"]).filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.state == "posted"
                    and m.amount_residual > 0
                )
            )
        elif context.get("active_model") == "res.partner" and context.get("active_id"):
            partner = self.env["res.partner"].browse(context["active_id"])
            values["partner_id"] = partner.commercial_partner_id.id
        if moves:
            values["move_ids"] = [fields.Command.set(moves.ids)]
            values["partner_id"] = moves[0].commercial_partner_id.id
            values["company_id"] = moves[0].company_id.id
            values["amount"] = sum(moves.mapped("amount_residual_signed"))
        return values

    def action_confirm(self):
        self.ensure_one()
        partners = self.move_ids.commercial_partner_id
        if len(partners) > 1:
            raise UserError(
                self.env._(
                    "A promise is made by one customer: the selected invoices belong "
                    "to "
                    "%(names)s.",
                    names=", ".join(partners.mapped("display_name")),
                )
            )
        promise = self.env["dunning.promise"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "move_ids": [fields.Command.set(self.move_ids.ids)],
                "promised_date": self.promised_date,
                "amount": self.amount,
                "currency_id": self.currency_id.id,
                "channel": self.channel,
                "note": self.note,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dunning.promise",
            "res_id": promise.id,
            "view_mode": "form",
        }
