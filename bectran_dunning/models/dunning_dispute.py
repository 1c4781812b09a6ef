# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER_GROUP = "bectran_dunning.group_dunning_manager"


class DunningDispute(models.Model):
    """A customer's objection to an invoice, which is held out of dunning while open."""

    _name = "dunning.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0), ('company_id', 'in', allowed_company_ids)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="move_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", related="move_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount = fields.Monetary(
        string="Open Amount",
        related="move_id.amount_residual",
        currency_field="currency_id",
    )
    invoice_date_due = fields.Date(
        related="move_id.invoice_date_due", string="Due Date"
    )
    reason = fields.Selection(
        [
            ("pricing", "Pricing"),
            ("quantity", "Quantity"),
            ("quality", "Quality"),
            ("not_received", "Not Received"),
            ("duplicate", "Duplicate Invoice"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        tracking=True,
    )
    note = fields.Html()
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        required=True,
        default="open",
        tracking=True,
        readonly=True,
    )
    date_open = fields.Date(
        string="Opened On", required=True, default=fields.Date.context_today
    )
    date_closed = fields.Date(string="Closed On", readonly=True, tracking=True)
    age_days = fields.Integer(string="Age (days)", compute="_compute_age_days")

    @api.depends("move_id.name", "reason")
    def _compute_name(self):
        labels = dict(self._fields["reason"]._description_selection(self.env))
        for dispute in self:
            dispute.name = self.env._(
                "%(invoice)s: %(reason)s",
                invoice=dispute.move_id.name or self.env._("New"),
                reason=labels.get(dispute.reason, ""),
            )

    def _compute_age_days(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            end = dispute.date_closed or today
            dispute.age_days = (
                (end - dispute.date_open).days if dispute.date_open else 0
            )

    @api.constrains("move_id")
    def _check_move(self):
        for dispute in self:
            move = dispute.move_id
            if move.move_type != "out_invoice":
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a customer invoice: only customer invoices "
                        "can be "
                        "disputed.",
                        move=move.display_name,
                    )
                )
            if move.state != "posted":
                raise ValidationError(
                    self.env._(
                        "Invoice %(move)s is not posted: only posted invoices can be "
                        "disputed.",
                        move=move.display_name,
                    )
                )
            if dispute.state == "open" and move.currency_id.is_zero(
                move.amount_residual
            ):
                raise ValidationError(
                    self.env._(
                        "Invoice %(move)s is already paid: there is nothing left to "
                        "dispute.",
                        move=move.display_name,
                    )
                )

    @api.constrains("move_id", "state")
    def _check_single_open(self):
        open_disputes = self.filtered(lambda d: d.state == "open")
        if not open_disputes:
            return
        groups = self._read_group(
            [("move_id", "in", open_disputes.move_id.ids), ("state", "=", "open")],
            ["move_id"],
            ["__count"],
        )
        duplicates = [move for move, count in groups if count > 1]
        if duplicates:
            raise ValidationError(
                self.env._(
                    "Invoice %(move)s already has an open dispute. Add your note to it "
                    "instead of opening a second one.",
                    move=", ".join(m.display_name for m in duplicates),
                )
            )

    def write(self, vals):
        if "state" in vals:
            self._check_manager()
        return super().write(vals)

    def _check_manager(self):
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only a credit manager can close or reopen a dispute. Add a note and "
                "assign it to your credit manager instead."
            )
        )

    def action_resolve(self):
        """The objection is settled: the invoice is dunned again after a fresh
        grace of the segment's cadence, counted from today."""
        self._check_manager()
        self._check_state("open")
        self.write(
            {"state": "resolved", "date_closed": fields.Date.context_today(self)}
        )
        return True

    def action_reject(self):
        self._check_manager()
        self._check_state("open")
        self.write(
            {"state": "rejected", "date_closed": fields.Date.context_today(self)}
        )
        return True

    def action_reopen(self):
        self._check_manager()
        closed = self.filtered(lambda d: d.state != "open")
        closed.write({"state": "open", "date_closed": False})
        return True

    def _check_state(self, state):
        wrong = self.filtered(lambda d: d.state != state)
        if wrong:
            raise UserError(
                self.env._(
                    "These disputes are already closed: %(names)s",
                    names=", ".join(wrong.mapped("display_name")),
                )
            )

    def action_open_invoice(self):
        self.ensure_one()
        return self.move_id._get_records_action()
