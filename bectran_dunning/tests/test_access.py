# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_models import DunningModelsCase


@tagged("post_install", "-at_install")
class TestAccess(DunningModelsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Billing users are collectors; accounting administrators are credit managers.
        cls.collector = new_test_user(
            cls.env,
            login="collector",
            groups="account.group_account_invoice,base.group_partner_manager",
        )
        cls.manager = new_test_user(
            cls.env,
            login="credit_manager",
            groups="account.group_account_invoice,base.group_partner_manager,"
            "bectran_dunning.group_dunning_manager",
        )

    def test_groups_follow_accounting_roles(self):
        self.assertTrue(
            self.collector.has_group("bectran_dunning.group_dunning_collector")
        )
        self.assertFalse(
            self.collector.has_group("bectran_dunning.group_dunning_manager")
        )
        admin = new_test_user(
            self.env, login="acc_admin", groups="account.group_account_manager"
        )
        self.assertTrue(admin.has_group("bectran_dunning.group_dunning_manager"))
        plain = new_test_user(self.env, login="plain", groups="base.group_user")
        self.assertFalse(plain.has_group("bectran_dunning.group_dunning_collector"))

    @freeze_time("2026-03-10")
    def test_collector_logs_disputes_and_promises(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 800)
        other = self._invoice(self.customer, date(2026, 3, 2), 300)
        env = self.env(user=self.collector)
        wizard = (
            env["dunning.dispute.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "pricing"})
        )
        dispute = env["dunning.dispute"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(dispute.user_id, self.collector)
        dispute.note = "<p>Customer sent the price list</p>"
        promise = env["dunning.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(other.ids)],
                "promised_date": date(2026, 3, 15),
                "amount": 300,
            }
        )
        self.assertEqual(promise.user_id, self.collector)
        promise.action_cancel()
        # Collectors see the customer's collection screen.
        partner = env["res.partner"].browse(self.customer.id)
        self.assertEqual(partner.dunning_disputed_amount, 800)
        self.assertTrue(partner.dunning_status)

    @freeze_time("2026-03-10")
    def test_collector_cannot_close_disputes(self):
        dispute = self._dispute(self._invoice(self.customer, date(2026, 3, 1)))
        as_collector = dispute.with_user(self.collector)
        for method in ("action_resolve", "action_reject"):
            with self.subTest(method=method):
                with self.assertRaisesRegex(AccessError, "Only a credit manager"):
                    getattr(as_collector, method)()
        with self.assertRaises(AccessError):
            as_collector.write({"state": "resolved"})
        self.assertEqual(dispute.state, "open")
        dispute.with_user(self.manager).action_resolve()
        self.assertEqual(dispute.state, "resolved")

    def test_collector_cannot_configure_segments(self):
        standard = self.standard.with_user(self.collector)
        self.assertEqual(standard.cadence_days, 7, "collectors read the policies")
        with self.assertRaises(AccessError):
            standard.write({"cadence_days": 1})
        with self.assertRaises(AccessError):
            self.env["dunning.segment"].with_user(self.collector).create(
                {"name": "Mine", "code": "mine"}
            )
        with self.assertRaises(AccessError):
            standard.step_ids[0].write({"days": 3})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).dunning_segment_id = self.watchlist
        self.customer.with_user(self.manager).dunning_segment_id = self.watchlist
        self.standard.with_user(self.manager).cadence_days = 8
        self.assertEqual(self.standard.cadence_days, 8)

    def test_touches_are_read_only_for_collectors(self):
        touch = self.env["dunning.touch"].create(
            {
                "partner_id": self.customer.id,
                "date": date(2026, 3, 10),
                "state": "suppressed",
            }
        )
        as_collector = touch.with_user(self.collector)
        self.assertEqual(as_collector.state, "suppressed")
        with self.assertRaises(AccessError):
            as_collector.write({"state": "sent"})
        with self.assertRaises(AccessError):
            as_collector.unlink()

    @freeze_time("2026-03-10")
    def test_company_b_sees_nothing_of_company_a(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1), 800)
        dispute = self._dispute(invoice)
        promise = self._promise(self.customer, date(2026, 3, 15), 100)
        touch = self.env["dunning.touch"].create(
            {
                "partner_id": self.customer.id,
                "date": date(2026, 3, 10),
                "state": "suppressed",
            }
        )
        company_b = self.setup_other_company(name="Company B")["company"]
        user_b = new_test_user(
            self.env,
            login="collector_b",
            groups="account.group_account_invoice,bectran_dunning.group_dunning_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        env_b = self.env(user=user_b)
        for record in (dispute, promise, touch):
            with self.subTest(model=record._name):
                self.assertFalse(env_b[record._name].search([]))
                with self.assertRaises(AccessError):
                    record.with_user(user_b).read(["partner_id"])

    def test_collector_screens_open(self):
        """Every collections screen opens for a collector; configuration is hidden."""
        env = self.env(user=self.collector)
        partner_form = env["res.partner"].get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="dunning"', partner_form["arch"])
        self.assertIn("action_dunning_preview", partner_form["arch"])
        move_form = env["account.move"].get_views([(False, "form")])["views"]["form"]
        self.assertIn("action_dunning_log_dispute", move_form["arch"])
        for model in (
            "dunning.worklist",
            "dunning.promise",
            "dunning.dispute",
            "dunning.touch",
            "dunning.run",
        ):
            with self.subTest(model=model):
                views = env[model].get_views([(False, "list"), (False, "search")])
                self.assertTrue(views["views"]["list"]["arch"])
                env[model].search([], limit=1)
        menus = env["ir.ui.menu"]._visible_menu_ids()
        self.assertIn(self.env.ref("bectran_dunning.menu_dunning_worklist").id, menus)
        self.assertNotIn(self.env.ref("bectran_dunning.menu_dunning_segment").id, menus)
        self.assertNotIn(
            self.env.ref("bectran_dunning.menu_dunning_run_preview").id, menus
        )

    @freeze_time("2026-03-20")
    def test_collector_previews_a_customer_and_a_manager_runs(self):
        self._invoice(self.customer, date(2026, 3, 1))
        action = self.contact.with_user(self.collector).action_dunning_preview()
        touches = self.env["dunning.touch"].search(action["domain"])
        self.assertEqual(touches.partner_id, self.customer)
        self.assertEqual(set(touches.mapped("state")), {"preview"})
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        )
        with self.assertRaises(AccessError):
            self.env["dunning.run"].with_user(self.collector).execute(dry_run=True)
        server_action = self.env.ref("bectran_dunning.action_dunning_run_preview")
        result = server_action.with_user(self.manager).run()
        self.assertEqual(result["res_model"], "dunning.touch")
