# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import float_round, mute_logger

from ..core import engine
from ..core import types as core

_logger = logging.getLogger(__name__)

# Touches older than this cannot influence a decision (cadence, cap, statements).
HISTORY_DAYS = 60
BATCH_SIZE = 500

OUTCOME_STATE = {
    core.OUTCOME_SEND: "sent",
    core.OUTCOME_PLAN: "planned",
    core.OUTCOME_SUPPRESS: "suppressed",
}


def _dec(value):
    """Amounts cross into the core as Decimals rounded to the cent."""
    return Decimal(str(float_round(value or 0.0, precision_digits=2)))


class DunningRun(models.Model):
    _name = "dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Started By", default=lambda self: self.env.user
    )
    dry_run = fields.Boolean(string="Preview", readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
    )
    touch_ids = fields.One2many("dunning.touch", "run_id", string="Decisions")
    touch_count = fields.Integer(compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    planned_count = fields.Integer(compute="_compute_counts")
    suppressed_count = fields.Integer(compute="_compute_counts")

    def _compute_name(self):
        for run in self:
            label = self.env._("Preview") if run.dry_run else self.env._("Dunning run")
            run.name = f"{label} {run.date or ''}"

    def _compute_counts(self):
        groups = self.env["dunning.touch"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        )
        counts = defaultdict(int)
        for run, state, count in groups:
            counts[run.id, state] = count
        for run in self:
            run.touch_count = sum(
                counts[run.id, s]
                for s in (
                    "queued",
                    "sent",
                    "planned",
                    "suppressed",
                    "preview",
                    "failed",
                )
            )
            run.sent_count = (
                counts[run.id, "sent"]
                + counts[run.id, "queued"]
                + counts[run.id, "preview"]
            )
            run.planned_count = counts[run.id, "planned"]
            run.suppressed_count = counts[run.id, "suppressed"]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_touches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "bectran_dunning.action_dunning_touch"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {
            "search_default_group_action": 1,
            "search_default_group_reason": 1,
        }
        return action

    @api.model
    def action_preview_next_run(self):
        """Dry run for the current company: who would get what, and why."""
        run = self.execute(dry_run=True)
        return run.action_open_touches()

    @api.model
    def action_run_now(self):
        run = self.execute()
        return run.action_open_touches()

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_execute(self):
        """Daily scheduled action: one run per company."""
        # The scheduled action's user may not belong to every company.
        runner = self.sudo()
        for company in runner.env["res.company"].search([]):
            runner.with_company(company).with_context(
                allowed_company_ids=[company.id]
            ).execute()

    @api.model
    def execute(self, date=None, partners=None, dry_run=False):
        """Run dunning for ``env.company`` on ``date`` (default: today).

        :param partners: ``res.partner`` recordset to evaluate; default every customer
            with open items (or an open promise) in the company.
        :param dry_run: store ``preview`` touches and send nothing.
        :return: the ``dunning.run`` record.
        """
        run_date = (
            fields.Date.to_date(date) if date else fields.Date.context_today(self)
        )
        company = self.env.company
        if partners is not None:
            self._check_company_partners(partners)
            partner_ids = partners.commercial_partner_id.ids
        else:
            partner_ids = self._candidate_partner_ids(company)
        run = self.create(
            {"date": run_date, "company_id": company.id, "dry_run": dry_run}
        )
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(partner_ids))
        for start in range(0, len(partner_ids), BATCH_SIZE):
            batch = self.env["res.partner"].browse(
                partner_ids[start : start + BATCH_SIZE]
            )
            run._process_batch(batch)
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(batch))
        run.state = "done"
        if not dry_run and self.env["dunning.touch"].search_count(
            [("run_id", "=", run.id), ("state", "=", "queued")], limit=1
        ):
            cron = self.env.ref(
                "bectran_dunning.ir_cron_dunning_statements", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return run

    @api.model
    def _cron_send_statements(self):
        """Send the statements the runs queued: rendering their PDFs is the slow part
        of dunning, so it happens here, one statement per step, not inside the run."""
        self._send_statements(
            self.env["dunning.touch"]
            .sudo()
            .search([("state", "=", "queued")], order="date, id")
        )

    def _send_queued_statements(self):
        """Send these runs' queued statements now (what the statement job does)."""
        self._send_statements(
            self.env["dunning.touch"]
            .sudo()
            .search([("run_id", "in", self.ids), ("state", "=", "queued")], order="id")
        )

    @api.model
    def _send_statements(self, touches):
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(touches))
        for touch in touches:
            touch.run_id.sudo().with_company(touch.company_id)._send_queued(touch)
            if in_cron and not self.env["ir.cron"]._commit_progress(1):
                break

    def _send_queued(self, touch):
        """Render and send one queued statement; a failure marks the touch failed so
        the next run decides again, and never blocks the other statements."""
        self.ensure_one()
        touch = touch.with_env(self.env)
        try:
            with self.env.cr.savepoint():
                self._send_message(touch)
                touch.state = "sent"
        except Exception:
            _logger.exception(
                "Statement for partner %s could not be sent", touch.partner_id.id
            )
            touch.state = "failed"

    def _decide_partners(self, partners, date=None):
        """``{partner_id: core Decision}`` for ``partners`` on ``date``; sends nothing.

        Used by screens that explain a customer's status; keys are commercial partners.
        """
        run_date = (
            fields.Date.to_date(date) if date else fields.Date.context_today(self)
        )
        commercial = partners.commercial_partner_id
        if not commercial:
            return {}
        snapshots = self._gather_snapshots(commercial, run_date, self.env.company)
        return {pid: engine.decide(snap) for pid, snap in snapshots.items()}

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------
    @api.model
    def _candidate_partner_ids(self, company):
        """Every commercial partner with an open customer invoice or an open promise."""
        groups = self.env["account.move"]._read_group(
            self._open_invoice_domain(company), ["commercial_partner_id"]
        )
        ids = {partner.id for (partner,) in groups}
        promise_groups = self.env["dunning.promise"]._read_group(
            [("company_id", "=", company.id), ("state", "=", "open")], ["partner_id"]
        )
        ids.update(partner.commercial_partner_id.id for (partner,) in promise_groups)
        return sorted(ids)

    @api.model
    def _open_invoice_domain(self, company):
        return Domain(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
            ]
        )

    # ------------------------------------------------------------------
    # Snapshot gathering: one query per kind of data for the whole batch
    # ------------------------------------------------------------------
    def _gather_snapshots(self, partners, run_date, company):
        """Build a core ``Snapshot`` for each commercial partner in ``partners``."""
        partner_ids = partners.ids
        buffer_days = company.dunning_buffer_days
        items = self._gather_items(partner_ids, company)
        credits, in_flight = self._gather_credits(partner_ids, company)
        for pid, lines in self._gather_bank_lines(partner_ids, company).items():
            in_flight[pid].extend(lines)
        disputes = self._gather_disputes(partner_ids, company)
        promises = self._gather_promises(partner_ids, company, items)
        touches = self._gather_touches(partner_ids, company, run_date)
        policies = {}
        snapshots = {}
        partners.fetch(["email", "dunning_excluded", "dunning_segment_id", "trust"])
        segments = self._effective_segments(partners, company)
        for partner in partners:
            segment = segments.get(partner.id)
            if segment not in policies:
                policies[segment] = (
                    segment._policy() if segment else core.Policy("none")
                )
            snapshots[partner.id] = core.Snapshot(
                partner_id=partner.id,
                run_date=run_date,
                policy=policies[segment],
                buffer_days=buffer_days,
                items=tuple(items.get(partner.id, ())),
                credits=tuple(credits.get(partner.id, ())),
                in_flight=tuple(in_flight.get(partner.id, ())),
                disputes=tuple(disputes.get(partner.id, ())),
                promises=tuple(promises.get(partner.id, ())),
                touches=tuple(touches.get(partner.id, ())),
                excluded=partner.dunning_excluded,
                has_email=bool(partner.email),
                currency=company.currency_id.name,
            )
        return snapshots

    # Community's degree of trust, for partners without a segment of their own.
    TRUST_SEGMENTS = {
        "good": "bectran_dunning.segment_strategic",
        "normal": "bectran_dunning.segment_standard",
        "bad": "bectran_dunning.segment_watchlist",
    }

    def _effective_segments(self, partners, company):
        """``{partner_id: dunning.segment}``: own segment, else the one matching
        Community's trust, else the company default, else Standard."""
        by_trust = {
            trust: self.env.ref(xmlid, raise_if_not_found=False)
            for trust, xmlid in self.TRUST_SEGMENTS.items()
        }
        fallback = company.dunning_default_segment_id or by_trust["normal"]
        partners = partners.with_company(company)
        result = {}
        for partner in partners:
            result[partner.id] = (
                partner.dunning_segment_id
                or (partner.trust != "normal" and by_trust.get(partner.trust))
                or fallback
            )
        return result

    def _manager_for(self, partner, segment):
        return (
            partner.dunning_manager_id
            or (segment and segment.default_manager_id)
            or partner.user_id
            or self.env.user
        )

    def _gather_items(self, partner_ids, company):
        moves = self.env["account.move"].search_fetch(
            self._open_invoice_domain(company)
            & Domain("commercial_partner_id", "in", partner_ids),
            [
                "name",
                "commercial_partner_id",
                "invoice_date_due",
                "amount_total_signed",
                "amount_residual_signed",
                "payment_state",
                "no_followup",
            ],
            order="invoice_date_due, id",
        )
        items = defaultdict(list)
        for move in moves:
            items[move.commercial_partner_id.id].append(
                core.Item(
                    id=move.id,
                    name=move.name,
                    date_due=move.invoice_date_due or fields.Date.today(),
                    amount_total=_dec(move.amount_total_signed),
                    residual=_dec(move.amount_residual_signed),
                    no_followup=move.no_followup,
                    # Community marks an invoice 'paid' while a payment without journal
                    # entry is still in process; editions with outstanding accounts set
                    # 'in_payment'. Either way the money is on its way.
                    in_payment=move.payment_state in ("in_payment", "paid"),
                )
            )
        return items

    @api.model
    def _unapplied_credit_domain(self, partner_ids, company):
        """Receivable lines in the customers' favour not yet applied to an invoice:
        credit notes and payments. The run and the statement read the same lines."""
        return [
            ("company_id", "=", company.id),
            ("partner_id.commercial_partner_id", "in", partner_ids),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", "<", 0),
        ]

    @api.model
    def _announced_payment_domain(self, partner_ids, company):
        """Customer payments registered without a journal entry yet (no outstanding
        account) and matched to no invoice: money announced, not on the receivable."""
        return [
            ("company_id", "=", company.id),
            ("partner_id.commercial_partner_id", "in", partner_ids),
            ("partner_type", "=", "customer"),
            ("payment_type", "=", "inbound"),
            ("state", "=", "in_process"),
            ("move_id", "=", False),
            ("invoice_ids", "=", False),
        ]

    @api.model
    def _unreconciled_bank_line_domain(self, partner_ids, company):
        """Money on the bank statement from the customers, not yet reconciled."""
        return [
            ("company_id", "=", company.id),
            ("partner_id.commercial_partner_id", "in", partner_ids),
            ("is_reconciled", "=", False),
            ("amount", ">", 0),
        ]

    def _gather_credits(self, partner_ids, company):
        """Unreconciled credit notes (credits) and unapplied payments (in flight)."""
        lines = self.env["account.move.line"].search_fetch(
            self._unapplied_credit_domain(partner_ids, company),
            ["partner_id", "move_id", "move_name", "amount_residual", "date"],
        )
        lines.move_id.fetch(["move_type", "commercial_partner_id"])
        credits = defaultdict(list)
        in_flight = defaultdict(list)
        for line in lines:
            pid = line.move_id.commercial_partner_id.id or line.partner_id.id
            amount = _dec(-line.amount_residual)
            if line.move_id.move_type == "out_refund":
                credits[pid].append(
                    core.Credit(line.move_id.id, line.move_name, amount)
                )
            else:
                in_flight[pid].append(
                    core.InFlight(line.id, "payment", amount, line.date)
                )
        # Payments registered without a journal entry yet (no outstanding account) and
        # not matched to an invoice: money announced but not on the receivable.
        payments = self.env["account.payment"].search_fetch(
            self._announced_payment_domain(partner_ids, company),
            ["partner_id", "amount_company_currency_signed", "date"],
        )
        for payment in payments:
            in_flight[payment.partner_id.commercial_partner_id.id].append(
                core.InFlight(
                    -payment.id,
                    "payment",
                    _dec(payment.amount_company_currency_signed),
                    payment.date,
                )
            )
        return credits, in_flight

    def _gather_bank_lines(self, partner_ids, company):
        lines = self.env["account.bank.statement.line"].search_fetch(
            self._unreconciled_bank_line_domain(partner_ids, company),
            ["partner_id", "amount_residual", "amount", "date"],
        )
        result = defaultdict(list)
        for line in lines:
            amount = abs(line.amount_residual) or line.amount
            result[line.partner_id.commercial_partner_id.id].append(
                core.InFlight(line.id, "bank_line", _dec(amount), line.date)
            )
        return result

    def _gather_disputes(self, partner_ids, company):
        disputes = self.env["dunning.dispute"].search_fetch(
            [("company_id", "=", company.id), ("partner_id", "in", partner_ids)],
            ["move_id", "partner_id", "state", "date_closed"],
            order="id",
        )
        result = defaultdict(list)
        for dispute in disputes:
            result[dispute.partner_id.id].append(
                core.Dispute(
                    dispute.id,
                    dispute.move_id.id,
                    dispute.state,
                    dispute.date_closed or None,
                )
            )
        return result

    def _gather_promises(self, partner_ids, company, items):
        promises = self.env["dunning.promise"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("state", "=", "open"),
            ],
            ["partner_id", "move_ids", "promised_date", "amount", "base_residual"],
            order="promised_date, id",
        )
        # Covered invoices may be paid by now: read their residual whatever their state.
        covered = promises.move_ids
        covered.fetch(["amount_residual_signed", "state"])
        result = defaultdict(list)
        for promise in promises:
            pid = promise.partner_id.commercial_partner_id.id
            if promise.move_ids:
                current = sum(
                    (
                        _dec(m.amount_residual_signed)
                        for m in promise.move_ids
                        if m.state == "posted"
                    ),
                    Decimal(0),
                )
            else:
                current = sum((i.residual for i in items.get(pid, ())), Decimal(0))
            result[pid].append(
                core.Promise(
                    id=promise.id,
                    promised_date=promise.promised_date,
                    amount=_dec(promise.amount),
                    state="open",
                    item_ids=tuple(promise.move_ids.ids),
                    base_residual=_dec(promise.base_residual),
                    current_residual=current,
                    currency=promise.currency_id.name or "",
                )
            )
        return result

    def _gather_touches(self, partner_ids, company, run_date):
        touches = self.env["dunning.touch"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("date", ">", run_date - timedelta(days=HISTORY_DAYS)),
                ("date", "<=", run_date),
                ("state", "in", ("queued", "sent", "planned")),
            ],
            [
                "partner_id",
                "date",
                "action",
                "state",
                "customer_facing",
                "mail_message_id",
            ],
            order="date, id",
        )
        failed = self._failed_touches(touches)
        if failed:
            # Touches are the run's journal: users read them, only the run writes them.
            failed.sudo().write({"state": "failed"})
        result = defaultdict(list)
        for touch in touches - failed:
            result[touch.partner_id.id].append(
                core.PastTouch(
                    date=touch.date,
                    action=touch.action,
                    # A queued statement goes out within minutes: it counts as sent.
                    state="sent" if touch.state == "queued" else touch.state,
                    customer_facing=touch.customer_facing,
                )
            )
        return result

    def _failed_touches(self, touches):
        """Sent touches whose email bounced or could not be delivered: retried."""
        sent = touches.filtered(lambda t: t.state == "sent" and t.mail_message_id)
        if not sent:
            return self.env["dunning.touch"]
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search_fetch(
                [
                    ("mail_message_id", "in", sent.mail_message_id.ids),
                    ("notification_type", "=", "email"),
                    ("notification_status", "in", ("exception", "bounce")),
                ],
                ["mail_message_id"],
            )
        )
        failed_messages = set(notifications.mail_message_id.ids)
        return sent.filtered(lambda t: t.mail_message_id.id in failed_messages)

    # ------------------------------------------------------------------
    # Applying decisions
    # ------------------------------------------------------------------
    def _process_batch(self, partners):
        self.ensure_one()
        snapshots = self._gather_snapshots(partners, self.date, self.company_id)
        decisions = {pid: engine.decide(snap) for pid, snap in snapshots.items()}
        segments = self._effective_segments(partners, self.company_id)
        quiet_vals = []
        for partner in partners:
            decision = decisions[partner.id]
            if not self.dry_run:
                self._apply_promise_verdicts(decision)
            vals = self._touch_vals(partner, decision, snapshots[partner.id], segments)
            if self.dry_run or decision.outcome == core.OUTCOME_SUPPRESS:
                quiet_vals.append(vals)
            else:
                self._apply_contact(partner, decision, vals)
        if quiet_vals:
            self.env["dunning.touch"].sudo().create(quiet_vals)

    def _apply_promise_verdicts(self, decision):
        """Record kept promises, and broken ones once the customer has been told.

        A broken promise whose message was held back today (weekly cap, already touched,
        money in flight) stays open so the next run judges it again and says so.
        """
        told = (
            decision.outcome != core.OUTCOME_SUPPRESS
            or core.EXCLUDED in decision.reason_codes
        )
        for verdict in decision.promise_verdicts:
            if verdict.state == core.PROMISE_BROKEN_STATE and not told:
                continue
            promise = self.env["dunning.promise"].browse(verdict.promise_id)
            promise.write({"state": verdict.state, "date_judged": self.date})
            promise.message_post(
                body=self._promise_verdict_text(promise, verdict),
                subtype_xmlid="mail.mt_note",
            )

    def _promise_verdict_text(self, promise, verdict):
        amount = promise.currency_id.format(float(verdict.amount))
        paid = promise.currency_id.format(float(verdict.paid))
        if verdict.state == core.PROMISE_KEPT:
            return self.env._(
                "Promise kept: %(paid)s received against %(amount)s promised "
                "for %(date)s.",
                paid=paid,
                amount=amount,
                date=verdict.promised_date,
            )
        return self.env._(
            "Promise broken: %(paid)s received against %(amount)s promised "
            "for %(date)s.",
            paid=paid,
            amount=amount,
            date=verdict.promised_date,
        )

    def _touch_vals(self, partner, decision, snapshot, segments):
        held_ids = [item_id for item_id, _codes in decision.held]
        step = decision.step
        segment = segments.get(partner.id)
        step_rec = self.env["dunning.segment.step"]
        if step and segment:
            step_rec = segment.step_ids.filtered(
                lambda s: s.days == step.days and s.channel == step.channel
            )[:1]
        if self.dry_run:
            state = "preview"
        elif (
            decision.outcome == core.OUTCOME_SEND
            and decision.action == core.ACTION_STATEMENT
        ):
            state = "queued"
        else:
            state = OUTCOME_STATE[decision.outcome]
        return {
            "run_id": self.id,
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "action": decision.action,
            "state": state,
            "customer_facing": decision.customer_facing,
            "move_ids": [fields.Command.set(list(decision.item_ids))],
            "held_move_ids": [fields.Command.set(held_ids)],
            "reason_codes": ",".join(decision.reason_codes),
            "segment_id": segment.id if segment else False,
            "step_id": step_rec.id,
            "manager_id": self._manager_for(partner, segment).id,
            "amount_eligible": float(decision.amount_eligible),
            "amount_asked": float(decision.amount_asked),
            "amount_in_flight": float(decision.amount_in_flight),
            "amount_credits": float(decision.amount_credits),
            "promise_id": decision.broken_promise.promise_id
            if decision.broken_promise
            else False,
        }

    def _apply_contact(self, partner, decision, vals):
        """Create the touch first: the partial unique index on (partner, date) for
        sent and planned touches makes a concurrent run wait, then fail here instead
        of mailing the customer a second time."""
        touch = self.env["dunning.touch"].sudo()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                touch = touch.create(vals)
                touch.flush_recordset()
        except (pg_errors.UniqueViolation, pg_errors.SerializationFailure):
            vals.update(
                state="suppressed",
                customer_facing=False,
                reason_codes=core.ALREADY_TOUCHED,
                move_ids=[fields.Command.clear()],
            )
            self.env["dunning.touch"].sudo().create(vals)
            return touch
        if vals["state"] == "queued":
            return touch  # sent with its PDF by the statement job
        if decision.outcome == core.OUTCOME_SEND:
            self._send_message(touch)
        else:
            self._plan_activity(touch, decision)
        return touch

    # Templates by action when the step names none.
    DEFAULT_TEMPLATES = {
        core.EMAIL: "bectran_dunning.mail_template_reminder",
        core.PERSONAL_EMAIL: "bectran_dunning.mail_template_personal",
        core.ACTION_STATEMENT: "bectran_dunning.mail_template_statement",
        core.BROKEN_PROMISE: "bectran_dunning.mail_template_broken_promise",
    }

    def _template_for(self, touch):
        if touch.action in (core.EMAIL, core.PERSONAL_EMAIL) and touch.step_id:
            if touch.step_id.mail_template_id:
                return touch.step_id.mail_template_id
        template = self.env.ref(
            self.DEFAULT_TEMPLATES.get(touch.action, ""), raise_if_not_found=False
        )
        if not template:
            template = self.env.ref("bectran_dunning.mail_template_reminder")
        return template

    def _render(self, template, touch):
        lang = touch.partner_id.lang
        template = template.with_context(lang=lang) if lang else template
        subject = template._render_field("subject", touch.ids, compute_lang=True)[
            touch.id
        ]
        body = template._render_field("body_html", touch.ids, compute_lang=True)[
            touch.id
        ]
        return subject, body

    def _send_message(self, touch):
        partner = touch.partner_id
        template = self._template_for(touch)
        subject, body = self._render(template, touch)
        attachments = self._message_attachments(touch)
        author = self.env.user.partner_id
        if touch.action == core.PERSONAL_EMAIL and touch.manager_id:
            author = touch.manager_id.partner_id
        message = partner.with_context(mail_notify_force_send=False).message_post(
            body=body,
            subject=subject,
            author_id=author.id,
            partner_ids=partner.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=attachments,
            email_layout_xmlid="mail.mail_notification_light",
        )
        touch.mail_message_id = message
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)], limit=1)
        )
        touch.mail_id = mail
        return message

    def _message_attachments(self, touch):
        """The statement PDF for consolidated statements."""
        if touch.action != core.ACTION_STATEMENT:
            return []
        access = self.env.get("dunning.statement.access")
        if access is None or not hasattr(access, "_render_statement_pdf"):
            return []
        pdf, filename = access._render_statement_pdf(touch.partner_id, self.date)
        return [(filename, pdf)]

    def _plan_activity(self, touch, decision):
        partner = touch.partner_id
        user = touch.manager_id or self.env.user
        if decision.action == core.PERSONAL_EMAIL:
            template = self._template_for(touch)
            subject, body = self._render(template, touch)
            activity = partner.activity_schedule(
                "mail.mail_activity_data_email",
                date_deadline=self.date,
                summary=self.env._("Personal email: %(subject)s", subject=subject),
                note=body,
                user_id=user.id,
            )
        elif core.NO_CONTACT in decision.reason_codes:
            activity = partner.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=self.date,
                summary=self.env._("No email address: call about overdue invoices"),
                note=self._call_note(touch, decision),
                user_id=user.id,
            )
        else:
            activity = partner.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=self.date,
                summary=self.env._("Collection call"),
                note=self._call_note(touch, decision),
                user_id=user.id,
            )
        touch.activity_id = activity
        return activity

    def _call_note(self, touch, decision):
        currency = touch.company_id.currency_id
        rows = Markup("").join(
            Markup("<li>%s — %s — %s</li>")
            % (
                move.name,
                self.env._("due %(date)s", date=move.invoice_date_due),
                move.currency_id.format(move.amount_residual),
            )
            for move in touch.move_ids
        )
        history = self.env["dunning.touch"].search(
            [
                ("partner_id", "=", touch.partner_id.id),
                ("state", "in", ("queued", "sent", "planned")),
                ("id", "!=", touch.id),
            ],
            limit=5,
        )
        labels = dict(touch._fields["action"]._description_selection(self.env))
        past = Markup("").join(
            Markup("<li>%s: %s</li>") % (t.date, escape(labels.get(t.action, t.action)))
            for t in history
        )
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Overdue amount to discuss: %(amount)s",
                amount=currency.format(float(decision.amount_asked)),
            ),
            rows,
        )
        if decision.amount_in_flight:
            note += Markup("<p>%s</p>") % self.env._(
                "Already received, not yet applied: %(amount)s",
                amount=currency.format(float(decision.amount_in_flight)),
            )
        if past:
            note += Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Recent contacts:"),
                past,
            )
        return note

    def _check_company_partners(self, partners):
        other = partners.filtered(
            lambda p: p.company_id and p.company_id != self.env.company
        )
        if other:
            raise UserError(
                self.env._(
                    "These customers belong to another company: %(names)s",
                    names=", ".join(other.mapped("display_name")),
                )
            )
