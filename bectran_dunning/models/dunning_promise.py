# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain


class DunningPromise(models.Model):
    """A customer's commitment to pay an amount by a date.

    Dunning of the covered invoices pauses until the promised date plus the buffer,
    then the run judges the promise.
    """

    _name = "dunning.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "promised_date desc, id desc"

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    move_ids = fields.Many2many(
        "account.move",
        "dunning_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', "
        "company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0)]",
        help="Invoices the payment is for. Leave empty when it covers every open "
        "invoice.",
    )
    promised_date = fields.Date(required=True, tracking=True)
    amount = fields.Monetary(required=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="open",
        tracking=True,
        readonly=True,
    )
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "Email"),
            ("portal", "Portal"),
            ("other", "Other"),
        ],
        required=True,
        default="phone",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Logged By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    base_residual = fields.Monetary(
        string="Open Balance When Logged",
        compute="_compute_base_residual",
        store=True,
        readonly=True,
        help="Open amount of the covered invoices when the promise was logged; the "
        "promise "
        "is kept when it falls by at least the promised amount.",
    )
    note = fields.Text()
    date_judged = fields.Date(readonly=True)
    is_due_today = fields.Boolean(
        compute="_compute_is_due_today", search="_search_is_due_today"
    )

    @api.depends("partner_id", "promised_date", "amount")
    def _compute_name(self):
        for promise in self:
            promise.name = self.env._(
                "%(partner)s: %(amount)s by %(date)s",
                partner=promise.partner_id.display_name or "",
                amount=promise.currency_id.format(promise.amount or 0.0),
                date=promise.promised_date or "",
            )

    @api.depends("partner_id", "move_ids", "company_id")
    def _compute_base_residual(self):
        for promise in self:
            moves = promise._covered_open_moves()
            promise.base_residual = sum(moves.mapped("amount_residual_signed"))

    def _compute_is_due_today(self):
        today = fields.Date.context_today(self)
        for promise in self:
            promise.is_due_today = (
                promise.state == "open" and promise.promised_date == today
            )

    def _search_is_due_today(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = Domain("state", "=", "open") & Domain("promised_date", "=", today)
        return domain if (True in value) == (operator == "in") else ~domain

    def _covered_open_moves(self):
        """Invoices the promise is about (every open invoice of the partner if none)."""
        self.ensure_one()
        if self.move_ids:
            return self.move_ids.filtered(
                lambda m: m.state == "posted" and m.amount_residual > 0
            )
        if not self.partner_id:
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                (
                    "commercial_partner_id",
                    "=",
                    self.partner_id.commercial_partner_id.id,
                ),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
            ]
        )

    @api.constrains(
        "partner_id", "move_ids", "company_id", "amount", "base_residual", "currency_id"
    )
    def _check_promise(self):
        """One method, so that the most basic problem is the one reported."""
        for promise in self:
            partner = promise.partner_id
            if partner.company_id and partner.company_id != promise.company_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s belongs to %(company)s, not to %(current)s.",
                        partner=partner.display_name,
                        company=partner.company_id.name,
                        current=promise.company_id.name,
                    )
                )
            foreign = promise.move_ids.filtered(
                lambda m, p=promise: (
                    m.commercial_partner_id != p.partner_id.commercial_partner_id
                    or m.company_id != p.company_id
                    or m.move_type != "out_invoice"
                )
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "A promise can only cover customer invoices of %(partner)s in "
                        "%(company)s. Remove: %(moves)s",
                        partner=partner.display_name,
                        company=promise.company_id.name,
                        moves=", ".join(foreign.mapped("display_name")),
                    )
                )
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("The promised amount must be greater than zero.")
                )
            if promise.state != "open":
                continue
            company_currency = promise.company_id.currency_id
            amount = promise.currency_id._convert(
                promise.amount,
                company_currency,
                promise.company_id,
                fields.Date.context_today(self),
            )
            if company_currency.compare_amounts(amount, promise.base_residual) > 0:
                if company_currency.is_zero(promise.base_residual):
                    raise ValidationError(
                        self.env._(
                            "%(partner)s has no open invoice to promise a payment for.",
                            partner=promise.partner_id.display_name,
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "The promised amount %(amount)s is more than the open balance "
                        "it "
                        "covers (%(balance)s).",
                        amount=promise.currency_id.format(promise.amount),
                        balance=company_currency.format(promise.base_residual),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Normalise to the commercial partner: promises are made by the customer
        # account.
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
        promises = super().create(vals_list)
        # Historical promises (imports, demo) may carry a past date.
        if not self.env.context.get("dunning_import"):
            today = fields.Date.context_today(self)
            past = promises.filtered(lambda p: p.promised_date < today)
            if past:
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is in the past. Log the promise "
                        "with "
                        "the date the customer committed to, today or later.",
                        date=past[0].promised_date,
                    )
                )
        return promises

    def action_cancel(self):
        not_open = self.filtered(lambda p: p.state != "open")
        if not_open:
            raise UserError(
                self.env._(
                    "Only open promises can be cancelled: %(names)s",
                    names=", ".join(not_open.mapped("display_name")),
                )
            )
        self.write(
            {"state": "cancelled", "date_judged": fields.Date.context_today(self)}
        )
        return True
