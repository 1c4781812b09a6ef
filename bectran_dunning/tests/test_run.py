# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.bectran_dunning.models import dunning_run


class DunningRunCase(AccountTestInvoicingCommon):
    """Shared fixtures: customers with an email in each segment and invoice helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.dunning_buffer_days = 4
        cls.strategic = cls.env.ref("bectran_dunning.segment_strategic")
        cls.standard = cls.env.ref("bectran_dunning.segment_standard")
        cls.watchlist = cls.env.ref("bectran_dunning.segment_watchlist")
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Cora Credit",
                "login": "cora_credit",
                "email": "cora@example.com",
                "group_ids": [Command.set([cls.env.ref("base.group_user").id])],
            }
        )
        cls.customer = cls._customer("Acme Standard", cls.standard)

    @classmethod
    def _customer(cls, name, segment, email=True):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.com"
                if email
                else False,
                "dunning_segment_id": segment.id,
                "dunning_manager_id": cls.manager.id,
            }
        )

    @classmethod
    def _invoice(cls, partner, due, amount=1000.0):
        """A posted invoice issued and due on ``due`` (no payment term)."""
        with freeze_time(due):
            return cls._create_invoice_one_line(
                price_unit=amount,
                partner_id=partner,
                invoice_date=due,
                invoice_date_due=due,
                invoice_payment_term_id=False,
                tax_ids=cls.env["account.tax"],
                post=True,
            )

    def _run(self, day, partners=None, dry_run=False):
        """Run on ``day``, then send the statements it queued, as the statement job
        triggered by the run does."""
        with freeze_time(day):
            run = self.env["dunning.run"].execute(
                date=day, partners=partners or self.customer, dry_run=dry_run
            )
            run._send_queued_statements()
        return run

    def _touch(self, run, partner=None):
        touch = run.touch_ids.filtered(
            lambda t: t.partner_id == (partner or self.customer)
        )
        self.assertEqual(
            len(touch), 1, "every evaluated partner gets exactly one touch"
        )
        return touch

    def _codes(self, touch):
        return set(filter(None, (touch.reason_codes or "").split(",")))

    def _mails_to(self, partner):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", partner.ids)]
        ) | self.env["mail.mail"].search([("email_to", "ilike", partner.email or "@@")])


@tagged("post_install", "-at_install")
class TestDunningRun(DunningRunCase):
    def test_standard_reminder_is_a_real_email(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        run = self._run(date(2026, 3, 10))
        touch = self._touch(run)
        self.assertEqual((touch.action, touch.state), ("email", "sent"))
        self.assertEqual(touch.move_ids, invoice)
        self.assertTrue(touch.customer_facing)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", touch.mail_message_id.id)]
        )
        self.assertTrue(mail, "a sent touch means a mail.mail for the customer")
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn(invoice.name, mail.body_html)
        self.assertEqual(touch.mail_message_id.model, "res.partner")
        self.assertEqual(touch.mail_message_id.res_id, self.customer.id)

    def test_within_buffer_and_not_due_are_explained(self):
        self._invoice(self.customer, date(2026, 3, 8))  # 2 days overdue on the 10th
        not_due = self._customer("Future Ltd", self.standard)
        self._invoice(not_due, date(2026, 4, 1))
        run = self._run(date(2026, 3, 10), partners=self.customer | not_due)
        self.assertEqual(self._touch(run).state, "suppressed")
        self.assertIn("cash_buffer", self._codes(self._touch(run)))
        self.assertIn("not_due", self._codes(self._touch(run, not_due)))

    def test_dispute_logged_today_stops_tomorrows_email(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        with freeze_time("2026-03-10"):
            self.env["dunning.dispute"].create(
                {"move_id": invoice.id, "reason": "pricing", "note": "Wrong unit price"}
            )
        run = self._run(date(2026, 3, 11))
        touch = self._touch(run)
        self.assertEqual(touch.state, "suppressed")
        self.assertIn("dispute_hold", self._codes(touch))
        self.assertFalse(touch.mail_message_id)
        self.assertFalse(self._mails_to(self.customer))

    def test_disputed_invoice_is_listed_apart_not_asked(self):
        disputed = self._invoice(self.customer, date(2026, 3, 1), 500)
        owed = self._invoice(self.customer, date(2026, 3, 2), 700)
        with freeze_time("2026-03-09"):
            self.env["dunning.dispute"].create(
                {"move_id": disputed.id, "reason": "quality"}
            )
        run = self._run(date(2026, 3, 12))
        touch = self._touch(run)
        self.assertEqual(touch.state, "sent")
        self.assertEqual(touch.move_ids, owed)
        self.assertEqual(touch.held_move_ids, disputed)
        self.assertIn("dispute_hold", self._codes(touch))

    def test_promise_pauses_then_broken_promise_message(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 1200)
        with freeze_time("2026-03-06"):
            promise = self.env["dunning.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "promised_date": "2026-03-10",
                    "amount": 1200,
                }
            )
        # Paused through promised date + buffer (2026-03-14) inclusive.
        for day in (date(2026, 3, 8), date(2026, 3, 14)):
            touch = self._touch(self._run(day))
            self.assertEqual(touch.state, "suppressed", day)
            self.assertIn("promise_pause", self._codes(touch))
        self.assertEqual(promise.state, "open")
        touch = self._touch(self._run(date(2026, 3, 15)))
        self.assertEqual((touch.action, touch.state), ("broken_promise", "sent"))
        self.assertIn("promise_broken", self._codes(touch))
        self.assertEqual(touch.promise_id, promise)
        self.assertEqual(promise.state, "broken")
        body = touch.mail_message_id.body
        self.assertIn("2026-03-10", body)
        self.assertIn("1,200.00", body)

    def test_kept_promise_is_judged_even_when_nothing_is_open(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 300)
        with freeze_time("2026-03-06"):
            promise = self.env["dunning.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "promised_date": "2026-03-10",
                    "amount": 300,
                }
            )
        with freeze_time("2026-03-09"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": "2026-03-09"})._create_payments()
        self._run(date(2026, 3, 15), partners=None)
        self.assertEqual(promise.state, "kept")

    def test_unreconciled_payment_suppresses_as_payment_in_flight(self):
        self._invoice(self.customer, date(2026, 3, 1), 800)
        with freeze_time("2026-03-09"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 800,
                    "date": "2026-03-09",
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
            payment.action_post()
        touch = self._touch(self._run(date(2026, 3, 12)))
        self.assertEqual(touch.state, "suppressed")
        self.assertIn("payment_in_flight", self._codes(touch))
        self.assertFalse(self._mails_to(self.customer))

    def test_partial_payment_in_flight_is_acknowledged(self):
        self._invoice(self.customer, date(2026, 3, 1), 800)
        with freeze_time("2026-03-09"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": 300,
                    "date": "2026-03-09",
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
            payment.action_post()
        touch = self._touch(self._run(date(2026, 3, 12)))
        self.assertEqual(touch.state, "sent")
        self.assertEqual(touch.amount_in_flight, 300)
        self.assertEqual(touch.amount_asked, 500)

    def test_strategic_nothing_before_fourteen_days_then_personal_email_task(self):
        partner = self._customer("Strategic Partner", self.strategic)
        self._invoice(partner, date(2026, 3, 1))
        touch = self._touch(self._run(date(2026, 3, 14), partners=partner), partner)
        self.assertEqual(touch.state, "suppressed")
        self.assertIn("grace_period", self._codes(touch))
        touch = self._touch(self._run(date(2026, 3, 15), partners=partner), partner)
        self.assertEqual((touch.action, touch.state), ("personal_email", "planned"))
        self.assertFalse(touch.customer_facing)
        activity = touch.activity_id
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.res_id, partner.id)
        self.assertTrue(activity.note, "the activity holds a ready draft")
        self.assertFalse(self._mails_to(partner), "the draft is not sent automatically")

    def test_fifty_invoices_one_message(self):
        invoices = self.env["account.move"]
        for i in range(50):
            due = date(2026, 2, 20) + timedelta(days=i % 10)
            invoices |= self._invoice(self.customer, due, 100 + i)
        with freeze_time("2026-03-10"):
            run = self.env["dunning.run"].execute(
                date=date(2026, 3, 10), partners=self.customer
            )
        touch = self._touch(run)
        self.assertEqual((touch.action, touch.state), ("statement", "queued"))
        self.assertFalse(touch.mail_message_id, "the PDF is rendered by the job")
        self.assertIn(
            self.env.ref("bectran_dunning.ir_cron_dunning_statements"),
            self.env["ir.cron.trigger"].search([]).cron_id,
            "the run wakes the statement job up",
        )
        self.assertEqual(
            self._touch(self._run(date(2026, 3, 10))).state,
            "suppressed",
            "a queued statement counts as today's contact",
        )
        with freeze_time("2026-03-10"):
            self.env["dunning.run"]._cron_send_statements()
        self.assertEqual(touch.state, "sent")
        self.assertEqual(touch.move_ids, invoices)
        self.assertEqual(len(touch.mail_message_id.attachment_ids), 1)
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.customer.id),
                    ("message_type", "=", "comment"),
                ]
            ),
            1,
        )

    def test_statement_that_cannot_be_rendered_fails_and_is_retried(self):
        for i in range(6):
            self._invoice(self.customer, date(2026, 2, 20) + timedelta(days=i), 100)
        access_model = type(self.env["dunning.statement.access"])

        def broken_renderer(*args, **kwargs):
            raise OSError("wkhtmltopdf could not be started")

        with (
            patch.object(access_model, "_render_statement_pdf", broken_renderer),
            mute_logger("odoo.addons.bectran_dunning.models.dunning_run"),
        ):
            failed = self._touch(self._run(date(2026, 3, 10)))
        self.assertEqual((failed.action, failed.state), ("statement", "failed"))
        self.assertFalse(failed.mail_message_id)
        retried = self._touch(self._run(date(2026, 3, 11)))
        self.assertEqual((retried.action, retried.state), ("statement", "sent"))
        self.assertEqual(len(retried.mail_message_id.attachment_ids), 1)

    def test_second_run_same_day_sends_nothing(self):
        self._invoice(self.customer, date(2026, 3, 1))
        first = self._touch(self._run(date(2026, 3, 10)))
        second = self._touch(self._run(date(2026, 3, 10)))
        self.assertEqual(first.state, "sent")
        self.assertEqual(second.state, "suppressed")
        self.assertIn("already_touched", self._codes(second))
        self.assertEqual(len(self._mails_to(self.customer)), 1)

    def test_dry_run_sends_nothing_and_does_not_block_the_real_run(self):
        self._invoice(self.customer, date(2026, 3, 1))
        preview = self._touch(self._run(date(2026, 3, 10), dry_run=True))
        self.assertEqual((preview.action, preview.state), ("email", "preview"))
        self.assertFalse(self._mails_to(self.customer))
        real = self._touch(self._run(date(2026, 3, 10)))
        self.assertEqual(real.state, "sent")

    def test_concurrent_run_never_sends_twice(self):
        """A second run whose snapshot predates the first run's touch (as two runs
        started at once would) hits the per-partner guard and mails nobody."""
        self._invoice(self.customer, date(2026, 3, 1))
        self._run(date(2026, 3, 10))
        run_model = type(self.env["dunning.run"])
        with patch.object(run_model, "_gather_touches", lambda *a, **k: {}):
            touch = self._touch(self._run(date(2026, 3, 10)))
        self.assertEqual(touch.state, "suppressed")
        self.assertIn("already_touched", self._codes(touch))
        self.assertEqual(len(self._mails_to(self.customer)), 1)

    def test_run_crashing_halfway_contacts_no_one_twice_and_skips_no_one(self):
        """The scheduled run commits after every batch and a crash rolls back the
        batch in progress; a savepoint per batch stands in for those commits here."""
        customers = self.customer
        for name in ("Beta Standard", "Gamma Standard", "Delta Standard"):
            customers |= self._customer(name, self.standard)
        for customer in customers:
            self._invoice(customer, date(2026, 3, 1))
        run_model = type(self.env["dunning.run"])
        process_batch = run_model._process_batch
        send_message = run_model._send_message
        sent_to = []

        def committed_batch(run, partners):
            with self.env.cr.savepoint():
                process_batch(run, partners)

        def crash_on_third_message(run, touch):
            sent_to.append(touch.partner_id)
            if len(sent_to) == 3:
                raise ConnectionError("mail server went away")
            return send_message(run, touch)

        # Not assertRaises: Odoo's rolls back everything done inside it.
        crashed = False
        with (
            patch.object(dunning_run, "BATCH_SIZE", 2),
            patch.object(run_model, "_process_batch", committed_batch),
            patch.object(run_model, "_send_message", crash_on_third_message),
        ):
            try:
                self._run(date(2026, 3, 10), partners=customers)
            except ConnectionError:
                crashed = True
        self.assertTrue(crashed, "the third message crashed the run")
        self.env.invalidate_all()
        sent = self.env["dunning.touch"].search(
            [("partner_id", "in", customers.ids), ("state", "=", "sent")]
        )
        self.assertEqual(len(sent), 2, "the first batch was kept, the second undone")
        self.assertEqual(len(self._mails_to(sent[0].partner_id)), 1)

        rerun = self._run(date(2026, 3, 10), partners=customers)
        sent = self.env["dunning.touch"].search(
            [("partner_id", "in", customers.ids), ("state", "=", "sent")]
        )
        self.assertEqual(sent.partner_id, customers, "no customer was skipped")
        self.assertEqual(len(sent), 4, "no customer got two messages")
        for customer in customers:
            self.assertEqual(len(self._mails_to(customer)), 1, customer.name)
        already = rerun.touch_ids.filtered(lambda t: t.state == "suppressed")
        self.assertEqual(len(already), 2)
        for touch in already:
            self.assertIn("already_touched", self._codes(touch))

    def test_cap_and_cadence_hold_over_a_month_of_daily_runs(self):
        partner = self._customer("Watch Co", self.watchlist)
        for i in range(3):
            self._invoice(partner, date(2026, 2, 20) + timedelta(days=i), 400)
        day = date(2026, 3, 1)
        for _i in range(31):
            self._run(day, partners=partner)
            day += timedelta(days=1)
        touches = self.env["dunning.touch"].search(
            [("partner_id", "=", partner.id), ("state", "in", ("sent", "planned"))],
            order="date",
        )
        self.assertTrue(touches)
        dates = touches.mapped("date")
        for previous, current in zip(dates, dates[1:], strict=False):
            self.assertGreaterEqual(
                (current - previous).days, self.watchlist.cadence_days
            )
        sent = touches.filtered("customer_facing")
        for touch in sent:
            window = sent.filtered(
                lambda t, d=touch.date: d - timedelta(days=7) < t.date <= d
            )
            self.assertLessEqual(len(window), self.watchlist.weekly_cap)

    def test_no_email_gets_no_contact_task(self):
        partner = self._customer("Silent Ltd", self.standard, email=False)
        self._invoice(partner, date(2026, 3, 1))
        touch = self._touch(self._run(date(2026, 3, 10), partners=partner), partner)
        self.assertEqual((touch.action, touch.state), ("phone_call", "planned"))
        self.assertIn("no_contact", self._codes(touch))
        self.assertEqual(touch.activity_id.user_id, self.manager)

    def test_excluded_and_no_followup(self):
        excluded = self._customer("Excluded SA", self.standard)
        excluded.dunning_excluded = True
        self._invoice(excluded, date(2026, 3, 1))
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        invoice.no_followup = True
        run = self._run(date(2026, 3, 10), partners=excluded | self.customer)
        self.assertIn("excluded", self._codes(self._touch(run, excluded)))
        self.assertIn("no_followup", self._codes(self._touch(run)))
        self.assertFalse(run.touch_ids.filtered(lambda t: t.state == "sent"))

    def test_bounced_mail_marks_touch_failed_and_next_run_retries(self):
        self._invoice(self.customer, date(2026, 3, 1))
        touch = self._touch(self._run(date(2026, 3, 10)))
        touch.mail_message_id.notification_ids.sudo().write(
            {"notification_status": "bounce"}
        )
        retry = self._touch(self._run(date(2026, 3, 11)))
        self.assertEqual(touch.state, "failed")
        self.assertEqual(retry.state, "sent")

    def test_every_customer_with_open_items_is_evaluated_by_default(self):
        other = self._customer("Other Co", self.standard)
        self._invoice(self.customer, date(2026, 3, 1))
        self._invoice(other, date(2026, 3, 9))
        with freeze_time("2026-03-10"):
            run = self.env["dunning.run"].execute(date=date(2026, 3, 10))
        self.assertIn(self.customer, run.touch_ids.partner_id)
        self.assertIn(other, run.touch_ids.partner_id)

    def test_cron_runs_for_every_company(self):
        self._invoice(self.customer, date(2026, 3, 1))
        other_company = self.setup_other_company()["company"]
        cron = self.env.ref("bectran_dunning.ir_cron_dunning_run")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code.strip(), "model._cron_execute()")
        with freeze_time("2026-03-10"):
            self.env["dunning.run"]._cron_execute()
        runs = self.env["dunning.run"].search([("date", "=", "2026-03-10")])
        self.assertLessEqual(self.company | other_company, runs.company_id)
        run = runs.filtered(lambda r: r.company_id == self.company)
        self.assertEqual(self._touch(run).state, "sent")

    def test_snapshot_queries_do_not_grow_with_partners(self):
        partners = self.env["res.partner"]
        for i in range(20):
            partner = self._customer(f"Bulk {i}", self.standard)
            self._invoice(partner, date(2026, 3, 1))
            partners |= partner
        few, many = partners[:3], partners[3:]
        run_model = self.env["dunning.run"]
        # Warm the registry caches (access rules, xml ids), flush pending computations.
        run_model._gather_snapshots(partners, date(2026, 3, 10), self.company)
        counts = {}
        for subset in (few, many, few, many):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            snapshots = run_model._gather_snapshots(
                subset, date(2026, 3, 10), self.company
            )
            # Registry caches may be reloaded once along the way: keep each size's best.
            used = self.env.cr.sql_log_count - before
            counts[len(subset)] = min(counts.get(len(subset), used), used)
            self.assertEqual(set(snapshots), set(subset.ids))
            self.assertTrue(all(len(snap.items) == 1 for snap in snapshots.values()))
        counts = [counts[len(few)], counts[len(many)]]
        self.assertEqual(
            counts[0], counts[1], f"queries for 3 vs 17 partners: {counts}"
        )
