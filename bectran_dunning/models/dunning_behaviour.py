# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import float_round

from ..core import review as core_review

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
HISTORY_MONTHS = 12


def _dec(value):
    return Decimal(str(float_round(value or 0.0, precision_digits=2)))


class DunningBehaviour(models.Model):
    """Twelve months of payment behaviour of one customer in one company, refreshed
    nightly, and the segment review it leads to. Written by the refresh only."""

    _name = "dunning.behaviour"
    _description = "Customer Payment Behaviour"
    _order = "revenue_12m desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_count = fields.Integer(string="Invoices (12 months)", readonly=True)
    avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        readonly=True,
        help="Days between due date and payment, weighted by invoice amount; open "
        "invoices count up to today.",
    )
    share_paid_late = fields.Float(
        string="Paid Late",
        readonly=True,
        help="Share of the invoices paid after their due date.",
    )
    broken_promises = fields.Integer(readonly=True)
    kept_promises = fields.Integer(readonly=True)
    disputes_opened = fields.Integer(readonly=True)
    revenue_12m = fields.Monetary(string="Revenue (12 months)", readonly=True)
    revenue_rank_top20 = fields.Boolean(string="Top 20 % by Revenue", readonly=True)
    last_refresh = fields.Date(readonly=True)
    segment_id = fields.Many2one("dunning.segment", readonly=True)
    suggested_segment_id = fields.Many2one("dunning.segment", readonly=True)
    review_state = fields.Selection(
        [
            ("ok", "Fits Its Segment"),
            ("flagged", "To Review"),
            ("kept", "Kept After Review"),
        ],
        required=True,
        default="ok",
        readonly=True,
    )
    review_evidence = fields.Text(string="Evidence", readonly=True)
    review_snoozed_until = fields.Date(string="Not Flagged Before", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    manager_id = fields.Many2one(
        related="partner_id.dunning_manager_id", string="Credit Manager"
    )
    dunning_excluded = fields.Boolean(related="partner_id.dunning_excluded")
    grace_days = fields.Integer(related="segment_id.grace_days")
    cadence_days = fields.Integer(related="segment_id.cadence_days")
    weekly_cap = fields.Integer(related="segment_id.weekly_cap")
    first_touch = fields.Selection(related="segment_id.first_touch")

    _partner_company_unique = models.Constraint(
        "UNIQUE(partner_id, company_id)",
        "A customer has one payment behaviour per company.",
    )

    def action_open_decision(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Segment Review"),
            "res_model": "dunning.review.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_behaviour_id": self.id},
        }

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    @api.model
    def _cron_refresh(self):
        """Nightly scheduled action: refresh every company, then flag reviews."""
        for company in self.env["res.company"].search([]):
            self.with_company(company).with_context(
                allowed_company_ids=[company.id]
            )._refresh(company)

    @api.model
    def _refresh(self, company=None, as_of=None, partners=None):
        """Recompute the behaviour of the customers of ``company`` on ``as_of`` and
        review them against their segment.

        :param partners: restrict to these commercial partners (default: every customer
            with a posted invoice in the last 12 months).
        :return: the refreshed ``dunning.behaviour`` records.
        """
        company = company or self.env.company
        as_of = fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)
        revenues = self._gather_revenues(company, as_of, partners)
        partner_ids = sorted(revenues)
        top = core_review.revenue_rank_top(revenues)
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(partner_ids))
        result_ids = []
        for start in range(0, len(partner_ids), BATCH_SIZE):
            batch_ids = partner_ids[start : start + BATCH_SIZE]
            result_ids += self._refresh_batch(
                company, as_of, batch_ids, revenues, top
            ).ids
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(batch_ids))
        return self.browse(result_ids)

    @api.model
    def _window_start(self, as_of):
        return as_of - relativedelta(months=HISTORY_MONTHS)

    @api.model
    def _invoice_domain(self, company, as_of):
        return Domain(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date", ">", self._window_start(as_of)),
                ("invoice_date", "<=", as_of),
            ]
        )

    @api.model
    def _gather_revenues(self, company, as_of, partners=None):
        """``{commercial partner id: Decimal revenue}`` of the 12 months, one grouped
        query."""
        domain = self._invoice_domain(company, as_of)
        if partners is not None:
            domain &= Domain(
                "commercial_partner_id", "in", partners.commercial_partner_id.ids
            )
        groups = self.env["account.move"]._read_group(
            domain, ["commercial_partner_id"], ["amount_untaxed_signed:sum"]
        )
        return {partner.id: _dec(amount) for partner, amount in groups}

    def _refresh_batch(self, company, as_of, partner_ids, revenues, top):
        partners = self.env["res.partner"].browse(partner_ids).with_company(company)
        partners.fetch(["dunning_segment_id", "dunning_manager_id", "trust", "name"])
        invoices = self._gather_invoices(company, as_of, partner_ids)
        promise_states = self._gather_promise_states(company, as_of, partner_ids)
        disputes = self._gather_disputes(company, as_of, partner_ids)
        existing = {
            b.partner_id.id: b
            for b in self.search_fetch(
                [("company_id", "=", company.id), ("partner_id", "in", partner_ids)],
                [
                    "partner_id",
                    "review_state",
                    "review_snoozed_until",
                    "activity_id",
                    "suggested_segment_id",
                ],
            )
        }
        existing_activities = self.env["mail.activity"].union(
            *(b.activity_id for b in existing.values())
        )
        existing_activities.fetch(["active"])
        by_code = {
            s.code: s
            for s in self.env["dunning.segment"]
            .with_context(active_test=False)
            .search_fetch([], ["code"])
        }
        rules = {}
        to_create = []
        to_flag = []
        record_ids = []
        for partner in partners:
            pid = partner.id
            behaviour = core_review.compute_behaviour(
                invoices.get(pid, ()),
                promise_states.get(pid, ()),
                disputes.get(pid, 0),
                as_of,
                months=HISTORY_MONTHS,
            )
            segment = partner.dunning_effective_segment_id
            if segment not in rules:
                rules[segment] = self._review_rule(segment)
            rule, suggestions = rules[segment]
            vals = {
                "invoice_count": behaviour.invoice_count,
                "avg_days_late": float(behaviour.avg_days_late),
                "share_paid_late": float(behaviour.share_paid_late),
                "broken_promises": behaviour.broken_promises,
                "kept_promises": behaviour.kept_promises,
                "disputes_opened": behaviour.disputes,
                "revenue_12m": float(revenues.get(pid, behaviour.revenue)),
                "revenue_rank_top20": pid in top,
                "last_refresh": as_of,
                "segment_id": segment.id,
            }
            flag = None
            if rule is not None:
                flag = core_review.review(
                    behaviour, rule, segment.code, suggestions=suggestions
                )
            current = existing.get(pid)
            snoozed = bool(
                current
                and current.review_state == "kept"
                and current.review_snoozed_until
                and current.review_snoozed_until >= as_of
            )
            if snoozed:
                vals.update(suggested_segment_id=False, review_evidence=False)
            elif flag is None:
                vals.update(
                    review_state="ok",
                    suggested_segment_id=False,
                    review_evidence=False,
                    review_snoozed_until=False,
                )
            else:
                suggested = (
                    by_code.get(flag.suggested_code) or self.env["dunning.segment"]
                )
                vals.update(
                    review_state="flagged",
                    suggested_segment_id=suggested.id,
                    review_evidence="\n".join(flag.evidence),
                    review_snoozed_until=False,
                )
            if current:
                current.write(vals)
                record_ids.append(current.id)
                if flag is not None and not snoozed:
                    to_flag.append(current)
            else:
                to_create.append(dict(vals, partner_id=pid, company_id=company.id))
        if to_create:
            created = self.create(to_create)
            record_ids.extend(created.ids)
            to_flag.extend(created.filtered(lambda b: b.review_state == "flagged"))
        if to_flag:
            self.browse([b.id for b in to_flag])._schedule_review_activities(company)
        return self.browse(record_ids)

    @api.model
    def _review_rule(self, segment):
        """``(core FitRule, suggestions)`` of ``segment``; ``(None, None)`` when the
        segment states no fit rule at all.

        The segment says "better than" as *at most* (average days late, broken
        promises); the core's ``min_*`` say what keeps a customer in a risky segment
        (*at least*). Broken promises are whole numbers: "at most n" is "fewer than
        n + 1"."""
        if not segment:
            return None, None
        max_late = segment.review_max_avg_days_late or None
        max_broken = segment.review_max_broken_promises
        max_broken = max_broken if max_broken >= 0 else None
        min_late = min_broken = None
        if segment.review_min_avg_days_late >= 0:
            min_late = segment.review_min_avg_days_late
            min_broken = segment.review_min_broken_promises + 1
        if max_late is None and max_broken is None and min_late is None:
            return None, None
        rule = core_review.FitRule(
            max_avg_days_late=_dec(max_late) if max_late is not None else None,
            max_broken_promises=max_broken,
            min_avg_days_late=_dec(min_late) if min_late is not None else None,
            min_broken_promises=min_broken,
        )
        return rule, self._suggestions(segment)

    @api.model
    def _suggestions(self, segment):
        """Codes of the segment one step riskier and one step more trusted than
        ``segment`` in the segments' order; the segment's own "better" segment wins.
        Directions without a segment are left to the core's defaults."""
        ordered = self.env["dunning.segment"].search([])
        suggestions = {}
        if segment in ordered:
            index = list(ordered).index(segment)
            if index < len(ordered) - 1:
                suggestions["worse"] = ordered[index + 1].code
            if index > 0:
                suggestions["better"] = ordered[index - 1].code
        if segment.review_better_segment_id:
            suggestions["better"] = segment.review_better_segment_id.code
        return suggestions

    # ------------------------------------------------------------------
    # Gathering: one query per kind of data for the whole batch
    # ------------------------------------------------------------------
    def _gather_invoices(self, company, as_of, partner_ids):
        """``{partner_id: [core PaidInvoice]}``; paid date is the latest reconciliation
        of the receivable line, ``None`` while something is still open."""
        moves = self.env["account.move"].search_fetch(
            self._invoice_domain(company, as_of)
            & Domain("commercial_partner_id", "in", partner_ids),
            [
                "commercial_partner_id",
                "currency_id",
                "amount_total_signed",
                "amount_residual",
                "invoice_date",
                "invoice_date_due",
            ],
        )
        paid_dates = self._paid_dates(moves.ids, as_of)
        result = defaultdict(list)
        for move in moves:
            paid = None
            if move.currency_id.is_zero(move.amount_residual):
                paid = paid_dates.get(move.id)
            result[move.commercial_partner_id.id].append(
                core_review.PaidInvoice(
                    id=move.id,
                    amount=_dec(move.amount_total_signed),
                    invoice_date=move.invoice_date,
                    date_due=move.invoice_date_due or move.invoice_date,
                    paid_date=paid,
                )
            )
        return result

    def _paid_dates(self, move_ids, as_of):
        """``{move_id: date}`` of the last reconciliation of each invoice's
        receivable."""
        if not move_ids:
            return {}
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.env["account.move.line"].flush_model(["move_id", "account_id"])
        self.env.cr.execute(
            """
            SELECT line.move_id, MAX(partial.max_date)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN account_partial_reconcile partial ON partial.debit_move_id = line.id
             WHERE line.move_id = ANY(%s)
               AND account.account_type = 'asset_receivable'
             GROUP BY line.move_id
            """,
            [list(move_ids)],
        )
        return dict(self.env.cr.fetchall())

    def _gather_promise_states(self, company, as_of, partner_ids):
        """``{partner_id: [state, ...]}`` of the promises judged in the 12 months."""
        groups = self.env["dunning.promise"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("state", "in", ("kept", "broken")),
                ("promised_date", ">", self._window_start(as_of)),
                ("promised_date", "<=", as_of),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        result = defaultdict(list)
        for partner, state, count in groups:
            result[partner.commercial_partner_id.id].extend([state] * count)
        return result

    def _gather_disputes(self, company, as_of, partner_ids):
        """``{partner_id: number of disputes opened in the 12 months}``."""
        groups = self.env["dunning.dispute"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("date_open", ">", self._window_start(as_of)),
                ("date_open", "<=", as_of),
            ],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    # ------------------------------------------------------------------
    # Review activities
    # ------------------------------------------------------------------
    def _schedule_review_activities(self, company):
        """One To-Do per flagged customer for its credit manager, unless one is still
        open."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        fallback = self._fallback_manager(company)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        pending = []
        for behaviour in self:
            if behaviour.activity_id and behaviour.activity_id.active:
                continue
            partner = behaviour.partner_id
            user = (
                partner.dunning_manager_id
                or behaviour.segment_id.default_manager_id
                or fallback
            )
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": partner.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "date_deadline": behaviour.last_refresh
                    or fields.Date.context_today(self),
                    "summary": self.env._(
                        "Review segment: %(old)s → %(new)s",
                        old=behaviour.segment_id.name or "",
                        new=behaviour.suggested_segment_id.name or "",
                    ),
                    "note": behaviour._review_note(),
                }
            )
            pending.append(behaviour)
        if not vals_list:
            return
        # No email per activity: a night can flag many customers, and the managers see
        # them in their activities.
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for behaviour, activity in zip(pending, activities, strict=True):
            behaviour.activity_id = activity

    def _review_note(self):
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s</li>") % line
            for line in (self.review_evidence or "").splitlines()
            if line
        )
        return Markup(
            "<p>%(intro)s</p><ul>%(items)s</ul><p>%(suggest)s</p><p>%(how)s</p>"
        ) % {
            "intro": self.env._(
                "The payment behaviour of %(partner)s over the last 12 months no "
                "longer fits the %(segment)s segment:",
                partner=self.partner_id.display_name,
                segment=self.segment_id.name or "",
            ),
            "items": items,
            "suggest": self.env._(
                "Suggested segment: %(segment)s.",
                segment=self.suggested_segment_id.name or "",
            ),
            "how": self.env._(
                "Approve the change or keep the segment with a reason from the "
                "customer's Payment Behaviour. Nothing changes until you decide."
            ),
        }

    @api.model
    def _fallback_manager(self, company):
        """First accounting manager of the company, else the current user."""
        group = self.env.ref("account.group_account_manager", raise_if_not_found=False)
        if group:
            users = (
                group.sudo()
                .all_user_ids.filtered(
                    lambda u: (
                        not u.share
                        and u.active
                        and company in u.company_ids
                        and u.id != self.env.ref("base.user_root").id
                    )
                )
                .sorted("id")
            )
            if users:
                return users[:1].sudo(False)
        return self.env.user

    # ------------------------------------------------------------------
    # Decisions (called by the review wizard)
    # ------------------------------------------------------------------
    def _approve(self, segment):
        self.ensure_one()
        # Credit managers decide segments without the right to edit contacts in general:
        # the wizard is theirs only, so the change itself runs as superuser (still
        # authored by them in the chatter).
        partner = self.partner_id.sudo()
        old = self.segment_id
        partner.dunning_segment_id = segment
        partner.message_post(
            body=self._decision_body(
                self.env._(
                    "Segment changed from %(old)s to %(new)s after review by %(user)s.",
                    old=old.name or self.env._("none"),
                    new=segment.name,
                    user=self.env.user.name,
                )
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._close_activity(self.env._("Approved: %(segment)s", segment=segment.name))
        self.write(
            {
                "segment_id": segment.id,
                "review_state": "ok",
                "suggested_segment_id": False,
                "review_snoozed_until": False,
            }
        )

    def _keep(self, reason, snooze_days):
        self.ensure_one()
        until = fields.Date.context_today(self) + timedelta(days=snooze_days)
        self.partner_id.sudo().message_post(
            body=self._decision_body(
                self.env._(
                    "Segment %(segment)s kept after review by %(user)s until "
                    "%(until)s. Reason: %(reason)s",
                    segment=self.segment_id.name or "",
                    user=self.env.user.name,
                    until=fields.Date.to_string(until),
                    reason=reason,
                )
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._close_activity(self.env._("Kept: %(reason)s", reason=reason))
        self.write(
            {
                "review_state": "kept",
                "review_snoozed_until": until,
                "suggested_segment_id": False,
            }
        )

    def _decision_body(self, headline):
        lines = [line for line in (self.review_evidence or "").splitlines() if line]
        body = Markup("<p>%s</p>") % headline
        if lines:
            body += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Evidence:"),
                Markup("").join(Markup("<li>%s</li>") % escape(line) for line in lines),
            )
        return body

    def _close_activity(self, feedback):
        activity = self.activity_id
        if activity and activity.active:
            activity.action_feedback(feedback=feedback)
