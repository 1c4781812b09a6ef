# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .test_models import DunningModelsCase


@tagged("post_install", "-at_install")
class TestWizards(DunningModelsCase):
    def _wizard_from(self, action):
        return self.env[action["res_model"]].with_context(**action["context"])

    @freeze_time("2026-03-10")
    def test_log_dispute_from_the_invoice(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        action = invoice.action_dunning_log_dispute()
        self.assertEqual(
            (action["res_model"], action["target"]), ("dunning.dispute.wizard", "new")
        )
        form = Form(self._wizard_from(action))
        self.assertEqual(form.move_ids[:], invoice)
        form.reason = "quantity"
        form.note = "<p>Only 8 of 10 delivered</p>"
        result = form.save().action_confirm()
        dispute = self.env["dunning.dispute"].browse(result["res_id"])
        self.assertRecordValues(
            dispute, [{"move_id": invoice.id, "reason": "quantity", "state": "open"}]
        )
        self.assertIn("Only 8 of 10", dispute.note)
        self.assertEqual(invoice.dunning_hold, "disputed")

    @freeze_time("2026-03-10")
    def test_dispute_wizard_keeps_the_constraints(self):
        invoice = self._invoice(self.customer, date(2026, 3, 1))
        self._dispute(invoice)
        wizard = (
            self.env["dunning.dispute.wizard"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "other"})
        )
        with self.assertRaisesRegex(ValidationError, "already has an open dispute"):
            wizard.action_confirm()
        self.assertEqual(len(invoice.dunning_dispute_ids), 1)

    @freeze_time("2026-03-10")
    def test_promise_from_invoices_is_prefilled(self):
        first = self._invoice(self.customer, date(2026, 3, 1), 800)
        second = self._invoice(self.contact, date(2026, 3, 2), 200)
        action = (first | second).action_dunning_promise()
        form = Form(self._wizard_from(action))
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.amount, 1000)
        self.assertEqual(form.move_ids[:], first | second)
        form.promised_date = date(2026, 3, 20)
        form.amount = 900
        form.channel = "email"
        result = form.save().action_confirm()
        promise = self.env["dunning.promise"].browse(result["res_id"])
        self.assertRecordValues(
            promise,
            [
                {
                    "partner_id": self.customer.id,
                    "amount": 900,
                    "promised_date": date(2026, 3, 20),
                    "channel": "email",
                    "base_residual": 1000,
                }
            ],
        )
        self.assertEqual(promise.move_ids, first | second)

    @freeze_time("2026-03-10")
    def test_promise_for_two_customers_is_refused(self):
        invoices = self._invoice(self.customer, date(2026, 3, 1)) | self._invoice(
            self.other_customer, date(2026, 3, 1)
        )
        wizard = (
            self.env["dunning.promise.wizard"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"promised_date": date(2026, 3, 20), "amount": 100})
        )
        with self.assertRaisesRegex(UserError, "made by one customer"):
            wizard.action_confirm()
        self.assertFalse(self.env["dunning.promise"].search([]))

    @freeze_time("2026-03-10")
    def test_promise_from_the_partner_covers_everything(self):
        self._invoice(self.customer, date(2026, 3, 1), 800)
        action = self.contact.action_dunning_promise_wizard()
        form = Form(self._wizard_from(action))
        self.assertEqual(form.partner_id, self.customer)
        form.promised_date = date(2026, 3, 12)
        form.amount = 800
        promise = self.env["dunning.promise"].browse(
            form.save().action_confirm()["res_id"]
        )
        self.assertFalse(promise.move_ids)
        self.assertEqual(promise.base_residual, 800)
