# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import dataclasses
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

from ..core import engine
from ..core import types as core

# How far ahead the partner screen looks for the next contact.
FORECAST_DAYS = 60

# Community's degree of trust, for partners without a segment of their own.
TRUST_SEGMENTS = {
    "good": "bectran_dunning.segment_strategic",
    "normal": "bectran_dunning.segment_standard",
    "bad": "bectran_dunning.segment_watchlist",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_segment_id = fields.Many2one(
        "dunning.segment",
        tracking=True,
        help="Trust segment deciding how this customer is dunned. When empty, "
        "Community's "
        "degree of trust decides (good: Strategic, normal: Standard, bad: Watchlist).",
    )
    dunning_effective_segment_id = fields.Many2one(
        "dunning.segment",
        string="Effective Segment",
        compute="_compute_dunning_effective_segment",
    )
    dunning_manager_id = fields.Many2one(
        "res.users",
        string="Credit Manager",
        tracking=True,
        domain=[("share", "=", False)],
        help="Named contact of the customer: personal emails are written in their name "
        "and "
        "phone calls are planned for them.",
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from Dunning",
        tracking=True,
        help="No reminder, statement or call is ever planned for this customer.",
    )
    dunning_touch_ids = fields.One2many(
        "dunning.touch", "partner_id", string="Dunning History"
    )
    dunning_dispute_ids = fields.One2many(
        "dunning.dispute", "partner_id", string="Disputes"
    )
    dunning_promise_ids = fields.One2many(
        "dunning.promise", "partner_id", string="Promises"
    )
    dunning_open_amount = fields.Monetary(
        string="Open",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_disputed_amount = fields.Monetary(
        string="Disputed",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_promised_amount = fields.Monetary(
        string="Promised",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_in_flight_amount = fields.Monetary(
        string="Received, Not Applied",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_oldest_due_days = fields.Integer(
        string="Days Overdue", compute="_compute_dunning_amounts"
    )
    dunning_currency_id = fields.Many2one(
        "res.currency", compute="_compute_dunning_currency_id"
    )
    dunning_last_touch_date = fields.Date(
        string="Last Contact", compute="_compute_dunning_last_touch"
    )
    dunning_status = fields.Text(
        string="Collection Status", compute="_compute_dunning_status"
    )
    dunning_next_action = fields.Char(
        string="Next Dunning Action", compute="_compute_dunning_status"
    )
    dunning_next_action_date = fields.Date(
        string="Next Dunning Date", compute="_compute_dunning_status"
    )
    dunning_worklist = fields.Boolean(
        string="To Collect",
        compute="_compute_dunning_worklist",
        search="_search_dunning_worklist",
        help="Has overdue posted invoices that are neither disputed nor under a "
        "promise.",
    )
    dunning_dispute_count = fields.Integer(compute="_compute_dunning_counts")
    dunning_promise_count = fields.Integer(compute="_compute_dunning_counts")
    dunning_touch_count = fields.Integer(compute="_compute_dunning_counts")

    @api.depends("dunning_segment_id", "trust")
    @api.depends_context("company")
    def _compute_dunning_effective_segment(self):
        by_trust = {
            trust: self.env.ref(xmlid, raise_if_not_found=False)
            for trust, xmlid in TRUST_SEGMENTS.items()
        }
        fallback = (
            self.env.company.dunning_default_segment_id
            or by_trust["normal"]
            or self.env["dunning.segment"]
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.dunning_effective_segment_id = (
                commercial.dunning_segment_id
                or (
                    commercial.trust in ("good", "bad")
                    and by_trust.get(commercial.trust)
                )
                or fallback
            )

    @api.depends_context("company")
    def _compute_dunning_currency_id(self):
        self.dunning_currency_id = self.env.company.currency_id

    def _dunning_open_invoice_domain(self):
        return Domain(
            [
                ("company_id", "=", self.env.company.id),
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
            ]
        )

    @api.depends_context("company")
    def _compute_dunning_amounts(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        partners = self.filtered("id")
        Move = self.env["account.move"]
        base = partners._dunning_open_invoice_domain()
        open_amounts = {
            p.id: (amount, due)
            for p, amount, due in Move._read_group(
                base,
                ["commercial_partner_id"],
                ["amount_residual_signed:sum", "invoice_date_due:min"],
            )
        }
        overdue = {
            p.id: amount
            for p, amount in Move._read_group(
                base & Domain("invoice_date_due", "<", today),
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        }
        disputed = {
            p.id: amount
            for p, amount in Move._read_group(
                base & Domain("dunning_dispute_ids.state", "=", "open"),
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        }
        promised = {
            p.id: amount
            for p, amount in self.env["dunning.promise"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.commercial_partner_id.ids),
                    ("state", "=", "open"),
                ],
                ["partner_id"],
                ["amount:sum"],
            )
        }
        # Customer payments posted on the receivable but not matched to an invoice yet.
        in_flight = defaultdict(float)
        for p, amount in self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "child_of", partners.commercial_partner_id.ids),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
                ("move_id.move_type", "not in", ("out_refund", "in_refund")),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        ):
            in_flight[p.commercial_partner_id.id] -= amount
        for partner in self:
            pid = partner.commercial_partner_id.id
            amount, oldest_due = open_amounts.get(pid, (0.0, False))
            partner.dunning_open_amount = amount
            partner.dunning_overdue_amount = overdue.get(pid, 0.0)
            partner.dunning_disputed_amount = disputed.get(pid, 0.0)
            partner.dunning_promised_amount = promised.get(pid, 0.0)
            partner.dunning_in_flight_amount = in_flight.get(pid, 0.0)
            partner.dunning_oldest_due_days = (
                max((today - oldest_due).days, 0) if oldest_due else 0
            )

    @api.depends_context("company")
    def _compute_dunning_last_touch(self):
        groups = self.env["dunning.touch"]._read_group(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("state", "in", ("queued", "sent", "planned")),
            ],
            ["partner_id"],
            ["date:max"],
        )
        last = {p.id: day for p, day in groups}
        for partner in self:
            partner.dunning_last_touch_date = last.get(
                partner.commercial_partner_id.id, False
            )

    def _compute_dunning_counts(self):
        commercial_ids = self.commercial_partner_id.ids
        counts = {}
        for model in ("dunning.dispute", "dunning.promise", "dunning.touch"):
            counts[model] = {
                p.id: count
                for p, count in self.env[model]._read_group(
                    [("partner_id", "in", commercial_ids)], ["partner_id"], ["__count"]
                )
            }
        for partner in self:
            pid = partner.commercial_partner_id.id
            partner.dunning_dispute_count = counts["dunning.dispute"].get(pid, 0)
            partner.dunning_promise_count = counts["dunning.promise"].get(pid, 0)
            partner.dunning_touch_count = counts["dunning.touch"].get(pid, 0)

    @api.depends_context("company")
    def _compute_dunning_status(self):
        """Explain in words what today's run would do for the customer, and why."""
        partners = self.filtered("id")
        today = fields.Date.context_today(self)
        decisions = {}
        if partners:
            decisions = self.env["dunning.run"]._decide_partners(partners, today)
        waiting = [
            pid
            for pid, decision in decisions.items()
            if decision.outcome == core.OUTCOME_SUPPRESS
        ]
        forecast = self._dunning_forecast(waiting, today) if waiting else {}
        touch_model = self.env["dunning.touch"]
        labels = touch_model._reason_labels()
        actions = dict(touch_model._fields["action"]._description_selection(self.env))
        for partner in self:
            pid = partner.commercial_partner_id.id
            decision = decisions.get(pid)
            if decision is None:
                partner.dunning_status = self.env._("No decision yet.")
                partner.dunning_next_action = False
                partner.dunning_next_action_date = False
                continue
            reasons = [labels.get(code, code) for code in decision.reason_codes]
            if decision.outcome == core.OUTCOME_SUPPRESS:
                headline = self.env._("Not contacted today.")
                action, day = forecast.get(pid, (False, False))
                partner.dunning_next_action = (
                    actions.get(action, action)
                    if action
                    else self.env._(
                        "Nothing planned in the next %(days)s days", days=FORECAST_DAYS
                    )
                )
                partner.dunning_next_action_date = day
            else:
                action = actions.get(decision.action, decision.action)
                if decision.outcome == core.OUTCOME_SEND:
                    headline = self.env._(
                        "Due for contact today: %(action)s.", action=action
                    )
                else:
                    headline = self.env._(
                        "Due for contact today: %(action)s, prepared for the credit "
                        "manager.",
                        action=action,
                    )
                partner.dunning_next_action = action
                partner.dunning_next_action_date = today
            partner.dunning_status = "\n".join([headline, *reasons])

    @api.model
    def _dunning_forecast(self, partner_ids, today, horizon=FORECAST_DAYS):
        """``{partner_id: (action, date)}``: the first day within ``horizon`` on which
        the run would contact the customer if nothing changes (no payment, no dispute).

        One snapshot per partner, replayed on later dates by the pure core: no query
        per day.
        """
        partners = self.browse(partner_ids)
        snapshots = self.env["dunning.run"]._gather_snapshots(
            partners, today, self.env.company
        )
        result = {}
        for pid, snapshot in snapshots.items():
            for offset in range(1, horizon + 1):
                day = today + timedelta(days=offset)
                decision = engine.decide(dataclasses.replace(snapshot, run_date=day))
                if decision.outcome != core.OUTCOME_SUPPRESS:
                    result[pid] = (decision.action, day)
                    break
        return result

    def _compute_dunning_worklist(self):
        worklist = set(self._dunning_worklist_ids())
        for partner in self:
            partner.dunning_worklist = partner.commercial_partner_id.id in worklist

    def _search_dunning_worklist(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        ids = self._dunning_worklist_ids()
        if (True in value) == (operator == "in"):
            return Domain("id", "in", ids)
        return Domain("id", "not in", ids)

    @api.model
    def _dunning_worklist_ids(self):
        """Commercial partners of the allowed companies on the collections worklist:
        overdue invoices not held by a dispute or a promise, not excluded, and more
        owed than already received but not yet applied. One query on the view."""
        self.env.flush_all()  # the view reads invoices, payments and holds in SQL
        rows = (
            self.env["dunning.worklist"]
            .sudo()
            .search_fetch(
                [("company_id", "in", self.env.companies.ids)], ["partner_id"]
            )
        )
        return rows.partner_id.ids

    def write(self, vals):
        policy = {"dunning_segment_id", "dunning_manager_id", "dunning_excluded"}
        if (
            policy & vals.keys()
            and not self.env.su
            and not self.env.user.has_group("bectran_dunning.group_dunning_manager")
        ):

            def value(partner, name):
                record_value = partner[name]
                return record_value.id if name != "dunning_excluded" else record_value

            changed = self.filtered(
                lambda p: any(
                    value(p, f) != (vals[f] or False) for f in policy & vals.keys()
                )
            )
            if changed:
                raise AccessError(
                    self.env._(
                        "Only a credit manager can change a customer's dunning "
                        "segment, "
                        "credit manager or exclusion."
                    )
                )
        return super().write(vals)

    def _dunning_action(self, xmlid, extra_domain=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)] + (
            extra_domain or []
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id[:1].id}
        return action

    def action_view_dunning_disputes(self):
        return self._dunning_action("bectran_dunning.action_dunning_dispute")

    def action_view_dunning_promises(self):
        return self._dunning_action("bectran_dunning.action_dunning_promise")

    def action_view_dunning_touches(self):
        return self._dunning_action("bectran_dunning.action_dunning_touch")

    def action_dunning_promise_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "dunning.promise.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_id": self.commercial_partner_id.id,
            },
        }

    def action_dunning_preview(self):
        """Dry run for these customers: what would be sent today, and why."""
        if not self.env.user.has_group("bectran_dunning.group_dunning_collector"):
            raise AccessError(self.env._("Only collectors can preview dunning."))
        # A preview writes only 'preview' touches and sends nothing: collectors, who may
        # not start real runs, may still see what one would do.
        run = (
            self.env["dunning.run"]
            .sudo()
            .execute(partners=self.commercial_partner_id, dry_run=True)
        )
        return run.sudo(False).action_open_touches()
