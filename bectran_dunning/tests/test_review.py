# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = date(2026, 6, 30)


class DunningReviewCase(AccountTestInvoicingCommon):
    """Customers with 12 months of history: invoices paid on a given day, promises
    judged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.strategic = cls.env.ref("bectran_dunning.segment_strategic")
        cls.standard = cls.env.ref("bectran_dunning.segment_standard")
        cls.watchlist = cls.env.ref("bectran_dunning.segment_watchlist")
        cls.manager = new_test_user(
            cls.env,
            login="review_manager",
            name="Maya Manager",
            email="maya@example.com",
            groups="account.group_account_manager,bectran_dunning.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _customer(cls, name, segment, manager=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "dunning_segment_id": segment.id,
                "dunning_manager_id": (manager or cls.manager).id,
            }
        )

    @classmethod
    def _invoice(cls, partner, due, amount=1000.0, paid=None):
        """Posted invoice dated and due on ``due``; paid in full on ``paid``."""
        invoice = cls._create_invoice_one_line(
            price_unit=amount,
            partner_id=partner,
            invoice_date=due,
            invoice_date_due=due,
            invoice_payment_term_id=False,
            tax_ids=cls.env["account.tax"],
            post=True,
        )
        if paid:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": paid})._create_payments()
        return invoice

    @classmethod
    def _history(cls, partner, days_late, count=3, amount=1000.0):
        """``count`` monthly invoices, each paid ``days_late`` days after due."""
        return [
            cls._invoice(
                partner,
                date(2026, month, 1),
                amount,
                paid=date(2026, month, 1) + timedelta(days=days_late),
            )
            for month in range(1, 1 + count)
        ]

    @classmethod
    def _promises(cls, partner, states):
        return (
            cls.env["dunning.promise"]
            .with_context(dunning_import=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "promised_date": date(2026, 2, 1) + timedelta(days=10 * i),
                        "amount": 100.0,
                        "state": state,
                        "date_judged": date(2026, 2, 6) + timedelta(days=10 * i),
                    }
                    for i, state in enumerate(states)
                ]
            )
        )

    def _refresh(self, partners=None, day=TODAY):
        with freeze_time(day):
            return self.env["dunning.behaviour"]._refresh(
                self.company, as_of=day, partners=partners
            )

    def _behaviour(self, partner):
        behaviour = self.env["dunning.behaviour"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(behaviour), 1)
        return behaviour

    def _review_activities(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_todo").id,
                ),
            ]
        )


@tagged("post_install", "-at_install")
class TestSegmentReview(DunningReviewCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late = cls._customer("Late Strategic", cls.strategic)
        cls._history(cls.late, 60, amount=2000.0)
        cls.timely = cls._customer("Timely Strategic", cls.strategic)
        cls._history(cls.timely, 0, amount=5000.0)
        cls.promiser = cls._customer("Promise Breaker", cls.standard)
        cls._history(cls.promiser, 5, amount=500.0)
        cls._promises(cls.promiser, ["broken", "broken", "broken", "kept"])

    def test_late_strategic_customer_is_flagged_with_evidence(self):
        self._refresh(self.late | self.timely | self.promiser)
        behaviour = self._behaviour(self.late)
        self.assertAlmostEqual(behaviour.avg_days_late, 60.0)
        self.assertEqual(behaviour.share_paid_late, 1.0)
        self.assertEqual(behaviour.invoice_count, 3)
        self.assertAlmostEqual(behaviour.revenue_12m, 6000.0)
        self.assertEqual(behaviour.segment_id, self.strategic)
        self.assertEqual(behaviour.review_state, "flagged")
        self.assertEqual(behaviour.suggested_segment_id, self.standard)
        self.assertIn("60", behaviour.review_evidence)
        activity = self._review_activities(self.late)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity, behaviour.activity_id)
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("60", str(activity.note))
        self.assertIn("Standard", str(activity.note))
        # Flag, never reassign.
        self.assertEqual(self.late.dunning_segment_id, self.strategic)

    def test_timely_strategic_customer_fits(self):
        self._refresh(self.late | self.timely | self.promiser)
        behaviour = self._behaviour(self.timely)
        self.assertEqual(behaviour.avg_days_late, 0.0)
        self.assertEqual(behaviour.share_paid_late, 0.0)
        self.assertEqual(behaviour.review_state, "ok")
        self.assertFalse(behaviour.suggested_segment_id)
        self.assertFalse(behaviour.activity_id)
        self.assertFalse(self._review_activities(self.timely))
        # 15,000 of 22,500 revenue: the largest customer is the top 20 %.
        self.assertTrue(behaviour.revenue_rank_top20)
        self.assertFalse(self._behaviour(self.late).revenue_rank_top20)

    def test_broken_promises_suggest_watchlist(self):
        self._refresh(self.late | self.timely | self.promiser)
        behaviour = self._behaviour(self.promiser)
        self.assertEqual(behaviour.broken_promises, 3)
        self.assertEqual(behaviour.kept_promises, 1)
        self.assertAlmostEqual(behaviour.avg_days_late, 5.0)
        self.assertEqual(behaviour.review_state, "flagged")
        self.assertEqual(behaviour.suggested_segment_id, self.watchlist)
        self.assertIn("3", behaviour.review_evidence)
        self.assertEqual(self.promiser.dunning_segment_id, self.standard)

    def test_reformed_watchlist_customer_is_suggested_standard(self):
        reformed = self._customer("Reformed Risk", self.watchlist)
        self._history(reformed, 2)
        relapsed = self._customer("Still Risky", self.watchlist)
        self._history(relapsed, 20)
        self._refresh(reformed | relapsed)
        behaviour = self._behaviour(reformed)
        self.assertEqual(behaviour.review_state, "flagged")
        self.assertEqual(behaviour.suggested_segment_id, self.standard)
        self.assertIn("below 15", behaviour.review_evidence)
        self.assertEqual(self._behaviour(relapsed).review_state, "ok")
        self.assertEqual(reformed.dunning_segment_id, self.watchlist)

    def test_open_invoice_counts_as_late_until_paid(self):
        customer = self._customer("Still Open", self.standard)
        self._invoice(customer, date(2026, 5, 1), 1000.0)
        self._refresh(customer)
        behaviour = self._behaviour(customer)
        self.assertEqual(behaviour.invoice_count, 1)
        self.assertGreater(behaviour.avg_days_late, 0.0)

    def test_disputes_are_counted(self):
        customer = self._customer("Disputer", self.standard)
        invoice = self._invoice(customer, date(2026, 5, 1), 1000.0)
        with freeze_time("2026-05-10"):
            self.env["dunning.dispute"].create(
                {"move_id": invoice.id, "reason": "pricing"}
            )
        self._refresh(customer)
        self.assertEqual(self._behaviour(customer).disputes_opened, 1)

    def test_second_refresh_does_not_duplicate_the_activity(self):
        self._refresh(self.late)
        self._refresh(self.late, day=TODAY + timedelta(days=1))
        self.assertEqual(len(self._review_activities(self.late)), 1)
        self.assertEqual(
            len(
                self.env["dunning.behaviour"].search(
                    [("partner_id", "=", self.late.id)]
                )
            ),
            1,
        )
        self.assertEqual(self.late.dunning_segment_id, self.strategic)

    def test_activity_falls_back_to_segment_manager(self):
        other = new_test_user(self.env, login="segment_owner", name="Sam Segment")
        self.strategic.default_manager_id = other
        self.late.dunning_manager_id = False
        self._refresh(self.late)
        self.assertEqual(self._review_activities(self.late).user_id, other)

    def test_activity_falls_back_to_an_accounting_manager(self):
        self.strategic.default_manager_id = False
        self.late.dunning_manager_id = False
        self._refresh(self.late)
        user = self._review_activities(self.late).user_id
        self.assertEqual(len(user), 1)
        self.assertTrue(user.has_group("account.group_account_manager"))
        self.assertIn(self.company, user.company_ids)

    def test_approve_changes_segment_and_logs(self):
        self._refresh(self.late)
        behaviour = self._behaviour(self.late)
        activity = behaviour.activity_id
        wizard_action = behaviour.with_user(self.manager).action_open_decision()
        wizard = Form(
            self.env["dunning.review.decision"]
            .with_user(self.manager)
            .with_context(**wizard_action["context"])
        ).save()
        self.assertEqual(wizard.suggested_segment_id, self.standard)
        with freeze_time(TODAY):
            wizard.action_approve()
        self.assertEqual(self.late.dunning_segment_id, self.standard)
        self.assertEqual(behaviour.review_state, "ok")
        self.assertFalse(activity.active, "the review activity is marked done")
        log = self.late.message_ids.filtered(
            lambda m: "Segment changed from Strategic to Standard" in str(m.body)
        )
        self.assertEqual(len(log), 1)
        self.assertIn("60", str(log.body))

    def test_keep_requires_a_reason_and_snoozes(self):
        self._refresh(self.late)
        behaviour = self._behaviour(self.late)
        wizard = (
            self.env["dunning.review.decision"]
            .with_user(self.manager)
            .create({"behaviour_id": behaviour.id})
        )
        with self.assertRaises(UserError):
            wizard.action_keep()
        self.env["ir.config_parameter"].sudo().set_param(
            "bectran_dunning.review_snooze_days", "30"
        )
        wizard.reason = "Project closing; payment terms renegotiated in May."
        with freeze_time(TODAY):
            wizard.action_keep()
        self.assertEqual(self.late.dunning_segment_id, self.strategic)
        self.assertEqual(behaviour.review_state, "kept")
        self.assertEqual(behaviour.review_snoozed_until, TODAY + timedelta(days=30))
        self.assertTrue(
            self.late.message_ids.filtered(
                lambda m: (
                    "payment terms renegotiated" in str(m.body)
                    and "kept" in str(m.body)
                )
            )
        )
        # Not flagged again while snoozed...
        self._refresh(self.late, day=TODAY + timedelta(days=10))
        self.assertEqual(behaviour.review_state, "kept")
        self.assertFalse(self._review_activities(self.late).filtered("active"))
        # ... and flagged again once the snooze is over.
        self._refresh(self.late, day=TODAY + timedelta(days=31))
        self.assertEqual(behaviour.review_state, "flagged")
        self.assertEqual(len(self._review_activities(self.late)), 1)
        self.assertEqual(self.late.dunning_segment_id, self.strategic)

    def test_wizard_from_partner(self):
        self._refresh(self.promiser)
        wizard = Form(
            self.env["dunning.review.decision"]
            .with_user(self.manager)
            .with_context(default_partner_id=self.promiser.id)
        ).save()
        self.assertEqual(wizard.behaviour_id, self._behaviour(self.promiser))
        self.assertEqual(wizard.suggested_segment_id, self.watchlist)
        with self.assertRaises(UserError):
            Form(
                self.env["dunning.review.decision"].with_context(
                    default_partner_id=self.env["res.partner"]
                    .create({"name": "New"})
                    .id
                )
            )

    def test_collector_reads_but_cannot_decide(self):
        self._refresh(self.late)
        collector = new_test_user(
            self.env,
            login="review_collector",
            groups="bectran_dunning.group_dunning_collector",
        )
        behaviour = self._behaviour(self.late).with_user(collector)
        self.assertEqual(behaviour.review_state, "flagged")
        with self.assertRaises(AccessError):
            self.env["dunning.review.decision"].with_user(collector).create(
                {"behaviour_id": behaviour.id}
            )

    def test_cron_refreshes_every_company(self):
        # The scheduled action runs as the superuser, in every company.
        with freeze_time(TODAY):
            self.env["dunning.behaviour"].sudo()._cron_refresh()
        self.assertEqual(self._behaviour(self.late).review_state, "flagged")
        self.assertEqual(self._behaviour(self.late).last_refresh, TODAY)


@tagged("post_install", "-at_install")
class TestReviewQueries(DunningReviewCase):
    def _count_refresh_queries(self, partners):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._refresh(partners)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_refresh_is_batched(self):
        small = self.env["res.partner"]
        large = self.env["res.partner"]
        for i in range(15):
            partner = self._customer(f"Batch {i}", self.standard)
            self._invoice(partner, date(2026, 3, 1), 100.0 + i, paid=date(2026, 3, 3))
            self._invoice(partner, date(2026, 6, 20), 100.0 + i)
            if i < 3:
                small |= partner
            large |= partner
        self._count_refresh_queries(large)  # warm caches (ir.model, refs)
        self.env["dunning.behaviour"].search([]).unlink()
        queries_small = self._count_refresh_queries(small)
        self.env["dunning.behaviour"].search([]).unlink()
        queries_large = self._count_refresh_queries(large)
        self.assertLessEqual(
            queries_large,
            queries_small + 2,
            f"{queries_small} queries for 3 customers, {queries_large} for 15",
        )
        self.assertEqual(len(self.env["dunning.behaviour"].search([])), 15)
