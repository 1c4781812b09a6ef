# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """What a fresh installation must provide before any customer is dunned."""

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "bectran_dunning")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.latest_version.startswith("19.0."))

    def test_daily_run_is_scheduled(self):
        cron = self.env.ref("bectran_dunning.ir_cron_dunning_run")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "dunning.run")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_statement_job_is_scheduled(self):
        cron = self.env.ref("bectran_dunning.ir_cron_dunning_statements")
        self.assertTrue(cron.active)
        self.assertEqual(cron.code.strip(), "model._cron_send_statements()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))

    def test_nightly_review_is_scheduled(self):
        cron = self.env.ref("bectran_dunning.ir_cron_dunning_review")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_seeded_segments(self):
        expected = {
            # xml id: (grace days, cadence days, weekly cap, first touch)
            "segment_strategic": (14, 14, 1, "personal"),
            "segment_standard": (0, 7, 2, "automated"),
            "segment_watchlist": (0, 4, 3, "automated"),
        }
        for xmlid, values in expected.items():
            with self.subTest(segment=xmlid):
                segment = self.env.ref(f"bectran_dunning.{xmlid}")
                self.assertTrue(segment.active)
                self.assertEqual(
                    (
                        segment.grace_days,
                        segment.cadence_days,
                        segment.weekly_cap,
                        segment.first_touch,
                    ),
                    values,
                )
