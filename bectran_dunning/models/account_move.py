# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.fields import Domain


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_dispute_ids = fields.One2many(
        "dunning.dispute", "move_id", string="Disputes"
    )
    dunning_promise_ids = fields.Many2many(
        "dunning.promise",
        "dunning_promise_move_rel",
        "move_id",
        "promise_id",
        string="Promises to Pay",
    )
    dunning_hold = fields.Selection(
        [("disputed", "Disputed"), ("promised", "Promised"), ("none", "Not Held")],
        compute="_compute_dunning_hold",
        search="_search_dunning_hold",
    )

    @api.depends("dunning_dispute_ids.state", "dunning_promise_ids.state")
    def _compute_dunning_hold(self):
        disputed = set(self._dunning_disputed_ids(self.ids))
        promised = set(self._dunning_promised_ids(self.ids))
        for move in self:
            if move.id in disputed:
                move.dunning_hold = "disputed"
            elif move.id in promised:
                move.dunning_hold = "promised"
            else:
                move.dunning_hold = "none"

    def _search_dunning_hold(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        disputed = self._dunning_disputed_ids()
        promised = self._dunning_promised_ids()
        by_hold = {
            "disputed": Domain("id", "in", disputed),
            "promised": Domain("id", "in", promised) & Domain("id", "not in", disputed),
            "none": Domain("id", "not in", disputed + promised),
        }
        domain = Domain.OR(by_hold[hold] for hold in value if hold in by_hold)
        return domain if operator == "in" else ~domain

    @api.model
    def _dunning_disputed_ids(self, move_ids=None):
        domain = Domain("state", "=", "open")
        if move_ids is not None:
            domain &= Domain("move_id", "in", move_ids)
        groups = self.env["dunning.dispute"].sudo()._read_group(domain, ["move_id"])
        return [move.id for (move,) in groups]

    @api.model
    def _dunning_promised_ids(self, move_ids=None):
        """Open invoices under an open promise: the invoices it names, or every open
        invoice of the customer in the promise's company when it names none."""
        promises = (
            self.env["dunning.promise"]
            .sudo()
            .search_fetch(
                [("state", "=", "open")], ["move_ids", "partner_id", "company_id"]
            )
        )
        ids = set(promises.move_ids.ids)
        blanket = promises.filtered(lambda p: not p.move_ids)
        if blanket:
            domain = Domain(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("amount_residual", ">", 0),
                ]
            ) & Domain.OR(
                Domain("commercial_partner_id", "=", p.partner_id.id)
                & Domain("company_id", "=", p.company_id.id)
                for p in blanket
            )
            if move_ids is not None:
                domain &= Domain("id", "in", move_ids)
            ids.update(self.sudo().search(domain).ids)
        if move_ids is not None:
            ids &= set(move_ids)
        return sorted(ids)

    def _dunning_wizard_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": self.ids},
        }

    def action_dunning_log_dispute(self):
        return self._dunning_wizard_action(
            "dunning.dispute.wizard", self.env._("Log Dispute")
        )

    def action_dunning_promise(self):
        return self._dunning_wizard_action(
            "dunning.promise.wizard", self.env._("Promise to Pay")
        )
