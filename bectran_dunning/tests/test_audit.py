# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..core import review as core_review
from .test_review import DunningReviewCase

# Monday 2 March 2026 to Sunday 8 March 2026 is ISO week 2026-W10.
MONDAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestDunningAudit(DunningReviewCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.noisy = cls._customer("Noisy Ltd", cls.standard)
        cls.quiet = cls._customer("Quiet Ltd", cls.standard)
        cls.invoice = cls._invoice(cls.noisy, date(2026, 2, 1), 1200.0)
        cls.quiet_invoice = cls._invoice(cls.quiet, date(2026, 2, 1), 800.0)

    def _touch(
        self, partner, day, state="sent", moves=None, codes="", amount=0.0, facing=True
    ):
        return self.env["dunning.touch"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "date": day,
                "action": "email" if state == "sent" else "none",
                "state": state,
                "customer_facing": facing and state == "sent",
                "move_ids": [(6, 0, (moves or self.env["account.move"]).ids)],
                "reason_codes": codes,
                "amount_eligible": amount,
            }
        )

    def _invoice_send(self, invoice, day):
        with freeze_time(day):
            invoice.message_post(
                body="Your invoice",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def _weeks(self, partner):
        self.env.flush_all()
        return self.env["dunning.fatigue.week"].search(
            [("partner_id", "=", partner.id)]
        )

    def _action_records(self, xmlid):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        domain = safe_eval(action.get("domain") or "[]")
        context = safe_eval(action.get("context") or "{}")
        model = self.env[action["res_model"]]
        for key in context:
            if key.startswith("search_default_"):
                name = key.removeprefix("search_default_")
                view = self.env["ir.ui.view"].search(
                    [("model", "=", model._name), ("type", "=", "search")], limit=1
                )
                self.assertIn(f'name="{name}"', view.arch)
        return model.search(domain)

    def test_noisy_week_is_over_five(self):
        for offset in range(6):
            self._touch(self.noisy, MONDAY + timedelta(days=offset), moves=self.invoice)
        for offset in range(3):
            self._touch(
                self.quiet, MONDAY + timedelta(days=offset), moves=self.quiet_invoice
            )
        self._invoice_send(self.quiet_invoice, "2026-03-04 10:00:00")
        self._invoice_send(self.quiet_invoice, "2026-03-06 10:00:00")
        # An internal note is not a customer-facing message.
        self.quiet_invoice.message_post(body="Internal", subtype_xmlid="mail.mt_note")
        # A suppressed decision is not a message either.
        self._touch(
            self.quiet, MONDAY + timedelta(days=5), state="suppressed", codes="cadence"
        )

        noisy = self._weeks(self.noisy)
        self.assertEqual(len(noisy), 1)
        self.assertEqual(noisy.week, "2026-W10")
        self.assertEqual(noisy.week_start, MONDAY)
        self.assertEqual(noisy.message_count, 6)
        self.assertTrue(noisy.over_five)

        quiet = self._weeks(self.quiet)
        self.assertEqual(
            (quiet.dunning_count, quiet.invoice_send_count, quiet.message_count),
            (3, 2, 5),
        )
        self.assertFalse(quiet.over_five)

        over_five = self.env["dunning.fatigue.week"].search([("over_five", "=", True)])
        self.assertIn(self.noisy, over_five.partner_id)
        self.assertNotIn(self.quiet, over_five.partner_id)

    def test_next_week_starts_over(self):
        for offset in range(5, 9):  # Saturday to Tuesday
            self._touch(self.noisy, MONDAY + timedelta(days=offset), moves=self.invoice)
        weeks = self._weeks(self.noisy)
        self.assertEqual(sorted(weeks.mapped("message_count")), [2, 2])
        self.assertFalse(any(weeks.mapped("over_five")))

    def test_touch_on_disputed_invoice_is_listed_as_sent_while_held(self):
        before = self._touch(self.noisy, date(2026, 3, 3), moves=self.invoice)
        with freeze_time("2026-03-05"):
            dispute = self.env["dunning.dispute"].create(
                {"move_id": self.invoice.id, "reason": "pricing"}
            )
        during = self._touch(self.noisy, date(2026, 3, 10), moves=self.invoice)
        with freeze_time("2026-03-12"):
            dispute.action_resolve()
        after = self._touch(self.noisy, date(2026, 3, 20), moves=self.invoice)
        self.env.flush_all()
        held = self.env["dunning.touch.held"].search(
            [("partner_id", "=", self.noisy.id)]
        )
        self.assertEqual(held.touch_id, during)
        self.assertEqual(
            (held.hold, held.dispute_id, held.move_id),
            ("dispute", dispute, self.invoice),
        )
        self.assertNotIn(before, held.touch_id)
        self.assertNotIn(after, held.touch_id)

    def test_touch_inside_promise_window_is_listed(self):
        promise = (
            self.env["dunning.promise"]
            .with_context(dunning_import=True)
            .create(
                {
                    "partner_id": self.noisy.id,
                    "promised_date": date(2026, 3, 15),
                    "amount": 500.0,
                    "move_ids": [(6, 0, self.invoice.ids)],
                }
            )
        )
        # Paused through the promised date plus the 4-day buffer.
        inside = self._touch(self.noisy, date(2026, 3, 19), moves=self.invoice)
        outside = self._touch(self.noisy, date(2026, 3, 20), moves=self.invoice)
        other = self._touch(self.quiet, date(2026, 3, 16), moves=self.quiet_invoice)
        self.env.flush_all()
        held = self.env["dunning.touch.held"].search(
            [("partner_id", "in", (self.noisy | self.quiet).ids)]
        )
        self.assertEqual(held.touch_id, inside)
        self.assertEqual((held.hold, held.promise_id), ("promise", promise))
        self.assertNotIn(outside, held.touch_id)
        self.assertNotIn(other, held.touch_id)

    def test_touch_after_money_arrived_is_listed(self):
        bank = self.company_data["default_journal_bank"]
        touch = self._touch(self.noisy, date(2026, 3, 10), moves=self.invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create(
            {"payment_date": date(2026, 3, 8), "journal_id": bank.id}
        )._create_payments()
        partial = self.invoice.line_ids.matched_credit_ids
        self.env.flush_all()
        # The touch left on the 10th; the payment received on the 8th was only
        # applied on the 12th.
        self.env.cr.execute(
            "UPDATE dunning_touch SET create_date = '2026-03-10 06:00' WHERE id = %s",
            [touch.id],
        )
        self.env.cr.execute(
            "UPDATE account_partial_reconcile SET create_date = '2026-03-12 09:00' "
            "WHERE id = %s",
            [partial.id],
        )
        held = self.env["dunning.touch.held"].search([("touch_id", "=", touch.id)])
        self.assertEqual((held.hold, held.move_id), ("payment_in_flight", self.invoice))
        # Applied before the touch left: nothing to report.
        self.env.cr.execute(
            "UPDATE account_partial_reconcile SET create_date = '2026-03-09 09:00' "
            "WHERE id = %s",
            [partial.id],
        )
        self.assertFalse(
            self.env["dunning.touch.held"].search([("touch_id", "=", touch.id)])
        )

    def test_dunning_run_sends_nothing_while_held(self):
        owed = self._invoice(self.quiet, date(2026, 2, 10), 300.0)
        with freeze_time("2026-03-05"):
            self.env["dunning.dispute"].create(
                {"move_id": self.quiet_invoice.id, "reason": "quality"}
            )
        with freeze_time("2026-03-10"):
            run = self.env["dunning.run"].execute(
                date=date(2026, 3, 10), partners=self.quiet
            )
        self.env.flush_all()
        self.assertTrue(run.touch_ids)
        self.assertNotIn(self.quiet_invoice, run.touch_ids.move_ids)
        self.assertFalse(
            self.env["dunning.touch.held"].search(
                [("touch_id", "in", run.touch_ids.ids)]
            )
        )
        self.assertTrue(owed)

    def test_suppressed_by_reason(self):
        self._touch(
            self.noisy, MONDAY, "suppressed", codes="dispute_hold,cadence", amount=300.0
        )
        self._touch(self.quiet, MONDAY, "suppressed", codes="cadence", amount=200.0)
        self._touch(
            self.quiet, MONDAY + timedelta(days=1), codes="dispute_hold", amount=50.0
        )
        self.env.flush_all()
        groups = self.env["dunning.touch.reason"]._read_group(
            [
                ("state", "=", "suppressed"),
                ("partner_id", "in", (self.noisy | self.quiet).ids),
            ],
            ["reason_code"],
            ["__count", "amount_eligible:sum"],
        )
        self.assertEqual(
            {code: (count, amount) for code, count, amount in groups},
            {"cadence": (2, 500.0), "dispute_hold": (1, 300.0)},
        )
        records = self._action_records("bectran_dunning.action_dunning_touch_reason")
        self.assertIn("cadence", records.mapped("reason_code"))

    def test_top_customers_list(self):
        self._history(self.noisy, 0, amount=20000.0)
        self._refresh(self.noisy | self.quiet)
        top = self._action_records("bectran_dunning.action_dunning_behaviour_top")
        self.assertEqual(top.partner_id, self.noisy)
        self.assertEqual(
            (top.segment_id, top.cadence_days, top.weekly_cap), (self.standard, 7, 2)
        )

    def test_measured_cash_application_lag(self):
        bank = self.company_data["default_journal_bank"]
        lags = [3, 5, 9]
        partials = self.env["account.partial.reconcile"]
        for index, lag in enumerate(lags):
            paid = date(2026, 4, 1) + timedelta(days=index)
            invoice = self._invoice(self.quiet, date(2026, 3, 1), 100.0 * (index + 1))
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": paid, "journal_id": bank.id})._create_payments()
            partial = invoice.line_ids.matched_credit_ids
            self.assertEqual(len(partial), 1)
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE account_partial_reconcile SET create_date = %s WHERE id = %s",
                [paid + timedelta(days=lag), partial.id],
            )
            partials |= partial
        self.env.invalidate_all()
        with freeze_time("2026-04-30"):
            rows = self.env["dunning.cash.lag"]._measure(self.company)
            self.company.dunning_buffer_days = 4
            settings = self.env["res.config.settings"].create({})
            median, p90 = (
                settings.dunning_measured_lag_median,
                settings.dunning_measured_lag_p90,
            )
            warning = settings.dunning_lag_warning
        self.assertEqual([(r[0], r[1]) for r in rows], [(bank, 3)])
        self.assertEqual(median, 5.0)
        self.assertAlmostEqual(p90, float(core_review.percentile(lags, 90)))
        self.assertIn(
            "The buffer (4 days) is shorter than the measured 90th percentile", warning
        )
        self.assertIn(bank.name, warning)
        with freeze_time("2026-04-30"):
            self.company.dunning_buffer_days = 10
            self.assertFalse(
                self.env["res.config.settings"].create({}).dunning_lag_warning
            )
