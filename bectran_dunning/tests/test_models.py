# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..core import engine
from ..core import types as core


class DunningModelsCase(AccountTestInvoicingCommon):
    """Customers, invoices and helpers shared by the model, wizard and access tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.strategic = cls.env.ref("bectran_dunning.segment_strategic")
        cls.standard = cls.env.ref("bectran_dunning.segment_standard")
        cls.watchlist = cls.env.ref("bectran_dunning.segment_watchlist")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Acme Corp", "email": "acme@example.com", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ann Acme",
                "parent_id": cls.customer.id,
                "email": "ann@example.com",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Globex", "email": "globex@example.com", "is_company": True}
        )

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like unittest's, inside the savepoint of Odoo's ``assertRaises``, so that the
        test can check afterwards that nothing was written."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    @classmethod
    def _invoice(cls, partner, due, amount=1000.0, post=True, move_type="out_invoice"):
        return cls._create_invoice_one_line(
            move_type=move_type,
            price_unit=amount,
            partner_id=partner,
            invoice_date=due,
            # Without a payment term Odoo keeps the due date it is given (default:
            # today).
            invoice_date_due=due,
            invoice_payment_term_id=False,
            tax_ids=cls.env["account.tax"],
            post=post,
        )

    @classmethod
    def _pay(cls, invoice, day, amount=None):
        values = {"payment_date": day}
        if amount is not None:
            values["amount"] = amount
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(values)
            ._create_payments()
        )

    def _dispute(self, invoice, reason="pricing", **values):
        return self.env["dunning.dispute"].create(
            {"move_id": invoice.id, "reason": reason, **values}
        )

    def _promise(self, partner, promised, amount, invoices=None, **values):
        return self.env["dunning.promise"].create(
            {
                "partner_id": partner.id,
                "move_ids": [Command.set(invoices.ids if invoices else [])],
                "promised_date": promised,
                "amount": amount,
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestSegment(DunningModelsCase):
    def test_seeded_steps_and_templates(self):
        expected = {
            self.strategic: [(14, "personal_email"), (30, "phone_call")],
            self.standard: [
                (0, "email"),
                (15, "email"),
                (30, "phone_call"),
                (45, "email"),
            ],
            self.watchlist: [(0, "email"), (5, "phone_call"), (14, "email")],
        }
        for segment, steps in expected.items():
            with self.subTest(segment=segment.name):
                self.assertEqual(
                    [(s.days, s.channel) for s in segment.step_ids.sorted("sequence")],
                    steps,
                )
                self.assertEqual(segment.statement_threshold, 5)
                emails = segment.step_ids.filtered(lambda s: s.channel != "phone_call")
                self.assertTrue(
                    all(s.mail_template_id.model == "dunning.touch" for s in emails)
                )
        self.assertEqual(self.strategic.first_touch, "personal")
        self.assertEqual(
            self.standard.step_ids[0].mail_template_id,
            self.env.ref("bectran_dunning.mail_template_reminder"),
        )
        self.assertEqual(
            (
                self.strategic.review_max_avg_days_late,
                self.strategic.review_max_broken_promises,
            ),
            (30, 1),
        )

    def test_policy_is_the_core_value(self):
        policy = self.standard._policy()
        self.assertIsInstance(policy, core.Policy)
        self.assertEqual(
            (
                policy.grace_days,
                policy.cadence_days,
                policy.weekly_cap,
                policy.first_touch,
            ),
            (0, 7, 2, "automated"),
        )
        self.assertEqual([s.days for s in policy.steps], [0, 15, 30, 45])
        reminder = self.env.ref("bectran_dunning.mail_template_reminder")
        self.assertEqual(policy.steps[0], core.Step(0, "email", str(reminder.id)))
        self.assertEqual(policy.steps[2].template_key, "")
        self.assertFalse(policy.personal_send_direct)

    def test_policy_values_are_validated(self):
        for field, value, words in (
            ("grace_days", -1, "grace period"),
            ("cadence_days", -2, "cadence"),
            ("weekly_cap", 0, "weekly cap"),
            ("statement_threshold", 0, "statement threshold"),
        ):
            with self.subTest(field=field):
                with self.assertRaisesRegex(
                    ValidationError, f"{words} of segment Standard"
                ):
                    self.standard.write({field: value})
        self.assertEqual(self.standard.weekly_cap, 2, "a rejected edit changes nothing")

    def test_steps_out_of_order_are_refused_and_nothing_is_lost(self):
        with self.assertRaisesRegex(
            ValidationError,
            "Steps of segment Standard must start at increasing days overdue",
        ):
            self.standard.step_ids.sorted("sequence")[1].days = 50
        self.assertEqual(
            self.standard.step_ids.sorted("sequence").mapped("days"), [0, 15, 30, 45]
        )
        with self.assertRaisesRegex(ValidationError, "increasing days overdue"):
            self.env["dunning.segment"].create(
                {
                    "name": "Twice the same day",
                    "code": "twice",
                    "step_ids": [
                        Command.create({"name": "A", "sequence": 1, "days": 10}),
                        Command.create({"name": "B", "sequence": 2, "days": 10}),
                    ],
                }
            )
        self.assertFalse(self.env["dunning.segment"].search([("code", "=", "twice")]))

    def test_reordering_steps_with_their_days_is_accepted(self):
        segment = self.env["dunning.segment"].create(
            {
                "name": "Custom",
                "code": "custom",
                "step_ids": [
                    Command.create(
                        {
                            "name": "Call",
                            "sequence": 2,
                            "days": 20,
                            "channel": "phone_call",
                        }
                    ),
                    Command.create({"name": "Mail", "sequence": 1, "days": 5}),
                ],
            }
        )
        self.assertEqual([s.days for s in segment._policy().steps], [5, 20])

    @mute_logger("odoo.sql_db")
    def test_code_is_unique(self):
        with self.assertRaises(IntegrityError):
            self.env["dunning.segment"].create({"name": "Copy", "code": "standard"})

    def test_partner_count(self):
        before = self.watchlist.partner_count
        self.customer.dunning_segment_id = self.watchlist
        self.watchlist.invalidate_recordset(["partner_count"])
        self.assertEqual(self.watchlist.partner_count, before + 1)
        action = self.watchlist.action_open_partners()
        self.assertIn(self.customer, self.env["res.partner"].search(action["domain"]))


@tagged("post_install", "-at_install")
class TestPartner(DunningModelsCase):
    def test_effective_segment_from_trust(self):
        partner = self.env["res.partner"].create({"name": "Trusted"})
        cases = (
            ("good", self.strategic),
            ("normal", self.standard),
            ("bad", self.watchlist),
        )
        for trust, segment in cases:
            with self.subTest(trust=trust):
                partner.trust = trust
                self.assertEqual(partner.dunning_effective_segment_id, segment)
        partner.trust = "normal"
        self.company.dunning_default_segment_id = self.watchlist
        partner.invalidate_recordset(["dunning_effective_segment_id"])
        self.assertEqual(partner.dunning_effective_segment_id, self.watchlist)
        partner.dunning_segment_id = self.strategic
        self.assertEqual(partner.dunning_effective_segment_id, self.strategic)
        contact = self.env["res.partner"].create(
            {"name": "Its contact", "parent_id": partner.id}
        )
        self.assertEqual(contact.dunning_effective_segment_id, self.strategic)

    @freeze_time("2026-03-20")
    def test_collection_amounts(self):
        overdue = self._invoice(self.customer, date(2026, 3, 1), 1000)
        disputed = self._invoice(self.customer, date(2026, 3, 2), 400)
        self._invoice(self.customer, date(2026, 4, 1), 250)  # not due yet
        self._invoice(self.customer, date(2026, 3, 1), 99, post=False)  # draft: ignored
        self._invoice(self.other_customer, date(2026, 3, 1), 700)
        self._dispute(disputed)
        self._promise(self.customer, date(2026, 3, 25), 600, overdue)
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.contact.id,
                "amount": 150,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        for partner in (self.customer, self.contact):
            with self.subTest(partner=partner.name):
                partner.invalidate_recordset()
                self.assertRecordValues(
                    partner,
                    [
                        {
                            "dunning_open_amount": 1650,
                            "dunning_overdue_amount": 1400,
                            "dunning_disputed_amount": 400,
                            "dunning_promised_amount": 600,
                            "dunning_in_flight_amount": 150,
                            "dunning_oldest_due_days": 19,
                        }
                    ],
                )
        self.assertEqual(self.other_customer.dunning_overdue_amount, 700)
        self.assertEqual(self.customer.dunning_dispute_count, 1)
        self.assertEqual(self.customer.dunning_promise_count, 1)

    @freeze_time("2026-03-20")
    def test_amounts_are_computed_in_batch(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "email": f"b{i}@example.com"} for i in range(12)]
        )
        for partner in partners:
            self._invoice(partner, date(2026, 3, 1), 100)
        counts = []
        # The first read warms registry caches; compare 2 partners with 10.
        for subset in (partners[:1], partners[1:3], partners[3:]):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            subset.mapped("dunning_overdue_amount")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(
            counts[1], counts[2], f"queries for 2 vs 9 partners: {counts[1:]}"
        )

    @freeze_time("2026-03-20")
    def test_worklist_holds_back_disputed_and_promised_customers(self):
        owes = self._invoice(self.customer, date(2026, 3, 1))
        disputed_only = self.env["res.partner"].create({"name": "Disputes Ltd"})
        self._dispute(self._invoice(disputed_only, date(2026, 3, 1)))
        promised_only = self.env["res.partner"].create({"name": "Promises Ltd"})
        self._invoice(promised_only, date(2026, 3, 1))
        self._promise(promised_only, date(2026, 3, 30), 500)
        excluded = self.env["res.partner"].create(
            {"name": "Excluded Ltd", "dunning_excluded": True}
        )
        self._invoice(excluded, date(2026, 3, 1))
        not_due = self.env["res.partner"].create({"name": "Future Ltd"})
        # Far ahead: the worklist view compares with the database's date, not the
        # frozen one.
        self._invoice(not_due, date(2099, 4, 1))
        worklist = self.env["res.partner"].search([("dunning_worklist", "=", True)])
        self.assertIn(self.customer, worklist)
        for partner in (disputed_only, promised_only, excluded, not_due):
            self.assertNotIn(partner, worklist, partner.name)
        self.assertTrue(self.customer.dunning_worklist)
        self.assertFalse(disputed_only.dunning_worklist)
        # The worklist screen: same customers, largest overdue amount first.
        bigger = self.env["res.partner"].create({"name": "Bigger Ltd"})
        self._invoice(bigger, date(2026, 3, 15), 5000)
        self._invoice(bigger, date(2026, 2, 1), 10)
        self.env.flush_all()
        rows = self.env["dunning.worklist"].search([])
        self.assertEqual(rows.partner_id[:2], bigger | self.customer)
        self.assertRecordValues(
            rows[:2],
            [
                {"overdue_amount": 5010, "invoice_count": 2, "days_overdue": 47},
                {"overdue_amount": 1000, "invoice_count": 1, "days_overdue": 19},
            ],
        )
        self.assertFalse(
            rows.partner_id & (disputed_only | promised_only | excluded | not_due)
        )
        owes.no_followup = True
        self.assertNotIn(
            self.customer,
            self.env["res.partner"].search([("dunning_worklist", "=", True)]),
        )

    @freeze_time("2026-03-20")
    def test_worklist_subtracts_money_received_but_not_applied(self):
        def payment(partner, amount):
            pay = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": amount,
                    "date": "2026-03-18",
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
            )
            pay.action_post()
            return pay

        self._invoice(self.customer, date(2026, 3, 1), 1000)
        payment(self.customer, 400)
        self._invoice(self.other_customer, date(2026, 3, 1), 700)
        payment(self.other_customer, 700)
        self.env.flush_all()
        rows = self.env["dunning.worklist"].search(
            [("partner_id", "in", (self.customer | self.other_customer).ids)]
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "partner_id": self.customer.id,
                    "overdue_amount": 1000,
                    "unapplied_amount": 400,
                    "to_collect_amount": 600,
                }
            ],
        )
        worklist = self.env["res.partner"].search([("dunning_worklist", "=", True)])
        self.assertIn(self.customer, worklist)
        self.assertNotIn(
            self.other_customer, worklist, "fully paid, waiting for cash application"
        )

    def test_status_without_decision(self):
        run_model = type(self.env["dunning.run"])
        with patch.object(run_model, "_decide_partners", lambda *a, **k: {}):
            self.assertEqual(self.customer.dunning_status, "No decision yet.")
            self.assertFalse(self.customer.dunning_next_action)

    @freeze_time("2026-03-20")
    def test_status_in_words(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        held = core.Decision(
            partner_id=self.customer.id,
            action="none",
            outcome="suppress",
            reason_codes=("dispute_hold",),
        )
        send = core.Decision(
            partner_id=self.customer.id,
            action="email",
            outcome="send",
            item_ids=(invoice.id,),
            amount_asked=Decimal("1000"),
        )
        run_model = type(self.env["dunning.run"])
        with (
            patch.object(
                run_model, "_decide_partners", lambda *a, **k: {self.customer.id: held}
            ),
            patch.object(engine, "decide", lambda snapshot: held),
        ):
            self.customer.invalidate_recordset(["dunning_status"])
            self.assertIn("Not contacted today.", self.customer.dunning_status)
            self.assertIn("An invoice is under dispute", self.customer.dunning_status)
            self.assertEqual(
                self.customer.dunning_next_action,
                "Nothing planned in the next 60 days",
            )
            self.assertFalse(self.customer.dunning_next_action_date)
        with patch.object(
            run_model, "_decide_partners", lambda *a, **k: {self.customer.id: send}
        ):
            self.customer.invalidate_recordset(
                ["dunning_status", "dunning_next_action"]
            )
            self.assertEqual(self.customer.dunning_next_action, "Email")
            self.assertEqual(self.customer.dunning_next_action_date, date(2026, 3, 20))
            self.assertIn("Due for contact today", self.customer.dunning_status)

    @freeze_time("2026-03-20")
    def test_next_action_is_forecast_when_nothing_happens_today(self):
        self._invoice(self.customer, date(2026, 3, 18))

        def decide(snapshot):
            # A stand-in policy: contact from the 25th on.
            if snapshot.run_date >= date(2026, 3, 25):
                return core.Decision(snapshot.partner_id, "email", "send")
            return core.Decision(
                snapshot.partner_id, "none", "suppress", reason_codes=("cash_buffer",)
            )

        with patch.object(engine, "decide", decide):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.dunning_next_action, "Email")
            self.assertEqual(self.customer.dunning_next_action_date, date(2026, 3, 25))
            self.assertIn(
                "within the cash-application buffer", self.customer.dunning_status
            )

    def test_company_buffer(self):
        company = self.env["res.company"].create({"name": "Fresh Co"})
        self.assertEqual(company.dunning_buffer_days, 4)
        with self.assertRaisesRegex(ValidationError, "buffer cannot be negative"):
            company.dunning_buffer_days = -1
        settings = self.env["res.config.settings"].create({"dunning_buffer_days": 6})
        settings.execute()
        self.assertEqual(self.env.company.dunning_buffer_days, 6)


@tagged("post_install", "-at_install")
class TestDispute(DunningModelsCase):
    @freeze_time("2026-03-10")
    def test_dispute_holds_the_invoice(self):
        invoice = self._invoice(self.contact, date(2026, 3, 1))
        other = self._invoice(self.customer, date(2026, 3, 1))
        dispute = self._dispute(invoice, note="Unit price should be 90")
        self.assertRecordValues(
            dispute,
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "state": "open",
                    "date_open": date(2026, 3, 10),
                    "amount": 1000,
                    "user_id": self.env.user.id,
                }
            ],
        )
        self.assertIn(invoice.name, dispute.name)
        self.assertEqual(invoice.dunning_hold, "disputed")
        self.assertEqual(other.dunning_hold, "none")
        Move = self.env["account.move"]
        self.assertEqual(Move.search([("dunning_hold", "=", "disputed")]), invoice)
        self.assertIn(other, Move.search([("dunning_hold", "=", "none")]))
        self.assertNotIn(invoice, Move.search([("dunning_hold", "!=", "disputed")]))

    def test_resolve_reject_reopen(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        with freeze_time("2026-03-10"):
            dispute = self._dispute(invoice)
        with freeze_time("2026-03-18"):
            dispute.action_resolve()
        self.assertEqual(
            (dispute.state, dispute.date_closed), ("resolved", date(2026, 3, 18))
        )
        self.assertEqual(invoice.dunning_hold, "none")
        with self.assertRaisesRegex(UserError, "already closed"):
            dispute.action_reject()
        dispute.action_reopen()
        self.assertEqual((dispute.state, dispute.date_closed), ("open", False))
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        # Once closed, the invoice can be disputed again.
        self._dispute(invoice, reason="quality")

    def test_second_open_dispute_is_refused(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        first = self._dispute(invoice, note="first")
        with self.assertRaisesRegex(
            ValidationError, f"{invoice.name} already has an open dispute"
        ):
            self._dispute(invoice, reason="quality")
        self.assertEqual(invoice.dunning_dispute_ids, first)
        first.action_reject()
        with self.assertRaisesRegex(ValidationError, "already has an open dispute"):
            self.env["dunning.dispute"].create(
                [
                    {"move_id": invoice.id, "reason": "other"},
                    {"move_id": invoice.id, "reason": "other"},
                ]
            )
        self.assertEqual(invoice.dunning_dispute_ids, first)

    def test_only_open_posted_customer_invoices(self):
        draft = self._invoice(self.customer, date(2026, 3, 1), post=False)
        with self.assertRaisesRegex(ValidationError, "is not posted"):
            self._dispute(draft)
        bill = self._invoice(self.customer, date(2026, 3, 1), move_type="in_invoice")
        with self.assertRaisesRegex(ValidationError, "not a customer invoice"):
            self._dispute(bill)
        paid = self._invoice(self.customer, date(2026, 3, 1))
        self._pay(paid, date(2026, 3, 2))
        with self.assertRaisesRegex(ValidationError, "already paid"):
            self._dispute(paid)
        self.assertFalse(self.env["dunning.dispute"].search([]))


@tagged("post_install", "-at_install")
class TestPromise(DunningModelsCase):
    @freeze_time("2026-03-10")
    def test_promise_on_named_invoices(self):
        first = self._invoice(self.customer, date(2026, 3, 1), 800)
        second = self._invoice(self.customer, date(2026, 3, 2), 300)
        untouched = self._invoice(self.customer, date(2026, 3, 3), 200)
        promise = self._promise(self.contact, date(2026, 3, 15), 1000, first | second)
        self.assertRecordValues(
            promise,
            [
                {
                    "partner_id": self.customer.id,
                    "state": "open",
                    "base_residual": 1100,
                    "currency_id": self.company.currency_id.id,
                    "company_id": self.company.id,
                    "user_id": self.env.user.id,
                }
            ],
        )
        self.assertEqual(
            (first.dunning_hold, untouched.dunning_hold), ("promised", "none")
        )
        self.assertEqual(
            self.env["account.move"].search([("dunning_hold", "=", "promised")]),
            first | second,
        )
        self.assertEqual(first.dunning_promise_ids, promise)

    @freeze_time("2026-03-10")
    def test_promise_without_invoices_covers_every_open_invoice(self):
        invoices = self._invoice(self.customer, date(2026, 3, 1), 800) | self._invoice(
            self.customer, date(2026, 3, 20), 200
        )
        other = self._invoice(self.other_customer, date(2026, 3, 1), 500)
        promise = self._promise(self.customer, date(2026, 3, 10), 1000)
        self.assertEqual(promise.base_residual, 1000)
        self.assertEqual(set(invoices.mapped("dunning_hold")), {"promised"})
        self.assertEqual(other.dunning_hold, "none")
        self.assertTrue(promise.is_due_today)
        self.assertEqual(
            self.env["dunning.promise"].search([("is_due_today", "=", True)]), promise
        )
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        invoices.invalidate_recordset(["dunning_hold"])
        self.assertEqual(set(invoices.mapped("dunning_hold")), {"none"})
        with self.assertRaisesRegex(UserError, "Only open promises"):
            promise.action_cancel()

    @freeze_time("2026-03-10")
    def test_bad_promises_are_refused_with_clear_messages(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 800)
        foreign = self._invoice(self.other_customer, date(2026, 3, 1), 800)
        cases = (
            (
                (date(2026, 3, 9), 100, invoice),
                "promised date 2026-03-09 is in the past",
            ),
            ((date(2026, 3, 12), 0, invoice), "must be greater than zero"),
            ((date(2026, 3, 12), -5, invoice), "must be greater than zero"),
            (
                (date(2026, 3, 12), 900, invoice),
                r"more than the open balance it covers \(.*800\.00",
            ),
            (
                (date(2026, 3, 12), 100, foreign),
                "can only cover customer invoices of Acme Corp",
            ),
        )
        for (promised, amount, invoices), message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(ValidationError, message):
                    self._promise(self.customer, promised, amount, invoices)
        nothing_open = self.env["res.partner"].create({"name": "Paid Up"})
        with self.assertRaisesRegex(ValidationError, "no open invoice"):
            self._promise(nothing_open, date(2026, 3, 12), 10)
        self.assertFalse(self.env["dunning.promise"].search([]), "nothing half-created")

    @freeze_time("2026-03-10")
    def test_partner_of_another_company_is_refused(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        partner_b = self.env["res.partner"].create(
            {"name": "B Only", "company_id": company_b.id}
        )
        self._invoice(self.customer, date(2026, 3, 1), 800)
        with self.assertRaisesRegex(ValidationError, "B Only belongs to Company B"):
            self._promise(partner_b, date(2026, 3, 12), 10)

    @freeze_time("2026-03-10")
    def test_historical_promise_can_be_imported(self):
        invoice = self._invoice(self.customer, date(2026, 2, 1), 800)
        promise = (
            self.env["dunning.promise"]
            .with_context(dunning_import=True)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "promised_date": date(2026, 2, 20),
                    "amount": 800,
                }
            )
        )
        self.assertEqual(promise.promised_date, date(2026, 2, 20))


@tagged("post_install", "-at_install")
class TestTouch(DunningModelsCase):
    def test_every_reason_code_has_words(self):
        labels = self.env["dunning.touch"]._reason_labels()
        self.assertEqual(set(labels), set(core.REASON_CODES))
        self.assertTrue(all(label.endswith(".") for label in labels.values()))

    def _touch_vals(self, **values):
        return {
            "partner_id": self.customer.id,
            "date": date(2026, 3, 10),
            "action": "email",
            "state": "sent",
            "reason_codes": "dispute_hold,cadence",
            **values,
        }

    def test_reason_text_and_relations(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        held = self._invoice(self.customer, date(2026, 3, 2))
        touch = self.env["dunning.touch"].create(
            self._touch_vals(
                move_ids=[Command.set(invoice.ids)],
                held_move_ids=[Command.set(held.ids)],
            )
        )
        self.assertEqual(
            touch.reason_text.splitlines(),
            [
                "An invoice is under dispute and is held back until the dispute is "
                "closed.",
                "The customer was contacted recently; the segment's cadence is not "
                "over yet.",
            ],
        )
        self.assertEqual((touch.move_ids, touch.held_move_ids), (invoice, held))
        self.assertEqual(touch.currency_id, self.company.currency_id)
        self.assertEqual(self.customer.dunning_touch_ids, touch)
        self.assertEqual(self.customer.dunning_last_touch_date, date(2026, 3, 10))

    @mute_logger("odoo.sql_db")
    def test_one_contact_per_customer_and_day(self):
        Touch = self.env["dunning.touch"]
        Touch.create(self._touch_vals())
        Touch.create(self._touch_vals(state="suppressed"))
        Touch.create(self._touch_vals(state="preview"))
        with self.assertRaises(IntegrityError):
            Touch.create(self._touch_vals(state="planned", action="phone_call"))


@tagged("post_install", "-at_install")
class TestMailTemplates(DunningModelsCase):
    def _render(self, xmlid, touch):
        template = self.env.ref(f"bectran_dunning.{xmlid}")
        subject = template._render_field("subject", touch.ids)[touch.id]
        body = template._render_field("body_html", touch.ids)[touch.id]
        return subject, str(body)

    @freeze_time("2026-03-20")
    def test_reminder_lists_asked_held_and_received(self):
        manager = self.env["res.users"].create(
            {"name": "Cora Credit", "login": "cora", "email": "cora@example.com"}
        )
        asked = self._invoice(self.customer, date(2026, 3, 5), 700)
        held = self._invoice(self.customer, date(2026, 3, 1), 1600)
        touch = self.env["dunning.touch"].create(
            {
                "partner_id": self.customer.id,
                "date": date(2026, 3, 20),
                "action": "email",
                "state": "sent",
                "manager_id": manager.id,
                "move_ids": [Command.set(asked.ids)],
                "held_move_ids": [Command.set(held.ids)],
                "amount_asked": 400,
                "amount_in_flight": 300,
            }
        )
        subject, body = self._render("mail_template_reminder", touch)
        self.assertTrue(subject.startswith("Just a reminder"))
        self.assertIn(asked.name, body)
        self.assertIn(">15<", body, "days overdue of the asked invoice")
        self.assertIn(f"/my/invoices/{asked.id}?access_token=", body)
        self.assertIn("under review — nothing to do", body)
        self.assertIn(held.name, body)
        self.assertIn("We have received", body)
        self.assertIn("300.00", body)
        self.assertIn("400.00", body)
        self.assertIn("Cora Credit", body)
        self.assertIn("cora@example.com", body)
        self.assertNotIn(
            f"/my/invoices/{held.id}?", body, "nothing to pay on a held invoice"
        )
        for xmlid in (
            "mail_template_firm",
            "mail_template_final",
            "mail_template_personal",
        ):
            with self.subTest(template=xmlid):
                self.assertIn(asked.name, self._render(xmlid, touch)[1])

    @freeze_time("2026-03-15")
    def test_broken_promise_message_is_specific(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 1200)
        promise = (
            self.env["dunning.promise"]
            .with_context(dunning_import=True)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "promised_date": date(2026, 3, 10),
                    "amount": 1200,
                }
            )
        )
        touch = self.env["dunning.touch"].create(
            {
                "partner_id": self.customer.id,
                "date": date(2026, 3, 15),
                "action": "broken_promise",
                "state": "sent",
                "promise_id": promise.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount_asked": 1200,
            }
        )
        body = self._render("mail_template_broken_promise", touch)[1]
        self.assertIn("We did not receive the payment of", body)
        self.assertIn("1,200.00", body)
        self.assertIn("2026-03-10", body)
        self.assertNotIn("We have received", body)
