# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io
import logging
import time
import zipfile
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

_logger = logging.getLogger(__name__)

STATEMENT_DATE = date(2026, 3, 10)
REPORT = "bectran_dunning.action_report_statement"


class StatementCase(AccountTestInvoicingCommon):
    """A customer with current, overdue, very old, disputed and promised invoices, a
    credit note, an unapplied payment, money on the bank and an invoice in EUR, on
    2026-03-10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")
        cls.report_model = cls.env["report.bectran_dunning.report_statement"]
        cls.access_model = cls.env["dunning.statement.access"]
        cls.manager = new_test_user(
            cls.env,
            login="cora_statement",
            name="Cora Credit",
            email="cora.credit@example.com",
            groups="base.group_user",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Acme Statements",
                "email": "ap@acme.example.com",
                "street": "12 Harbour Road",
                "city": "Springfield",
                "dunning_manager_id": cls.manager.id,
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "email": "other@example.com"}
        )
        with freeze_time(STATEMENT_DATE):
            cls.inv_current = cls._invoice(
                cls.customer, date(2026, 3, 1), 700, date_due=date(2026, 3, 31)
            )
            cls.inv_overdue = cls._invoice(cls.customer, date(2026, 1, 20), 1000)
            cls.inv_old = cls._invoice(cls.customer, date(2025, 11, 1), 200)
            cls.inv_disputed = cls._invoice(cls.customer, date(2026, 2, 1), 500)
            cls.inv_promised = cls._invoice(cls.customer, date(2026, 2, 15), 300)
            cls.inv_eur = cls._invoice(
                cls.customer, date(2026, 2, 20), 400, currency=cls.eur
            )
            cls.inv_paid = cls._invoice(cls.customer, date(2026, 2, 1), 90)
            cls.refund = cls._create_invoice_one_line(
                move_type="out_refund",
                price_unit=150,
                partner_id=cls.customer,
                invoice_date=date(2026, 3, 2),
                tax_ids=cls.env["account.tax"],
                post=True,
            )
            cls.other_invoice = cls._invoice(cls.other_customer, date(2026, 2, 1), 999)
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=cls.inv_paid.ids
            ).create({"payment_date": date(2026, 3, 5)})._create_payments()
            # Money received without an invoice to apply it to.
            cls.payment = cls.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": cls.customer.id,
                    "amount": 250,
                    "date": date(2026, 3, 8),
                    "memo": "ACME REMITTANCE 88",
                    "journal_id": cls.company_data["default_journal_bank"].id,
                }
            )
            cls.payment.action_post()
            # Money on the bank account, not yet matched to anything.
            cls.env["account.bank.statement.line"].create(
                {
                    "journal_id": cls.company_data["default_journal_bank"].id,
                    "partner_id": cls.customer.id,
                    "amount": 120,
                    "date": date(2026, 3, 9),
                    "payment_ref": "ACME WIRE 2026-03-09",
                }
            )
            cls.dispute = cls.env["dunning.dispute"].create(
                {"move_id": cls.inv_disputed.id, "reason": "quantity"}
            )
            cls.promise = cls.env["dunning.promise"].create(
                {
                    "partner_id": cls.customer.id,
                    "move_ids": [Command.set(cls.inv_promised.ids)],
                    "promised_date": date(2026, 3, 20),
                    "amount": 300,
                    "currency_id": cls.company_data["currency"].id,
                }
            )

    @classmethod
    def _invoice(cls, partner, invoice_date, amount, date_due=None, currency=None):
        invoice = cls._create_invoice_one_line(
            price_unit=amount,
            partner_id=partner,
            invoice_date=invoice_date,
            invoice_payment_term_id=False,
            invoice_date_due=date_due or invoice_date,
            currency_id=currency,
            tax_ids=cls.env["account.tax"],
        )
        invoice.action_post()
        return invoice

    def _statement(self, partner=None):
        partner = partner or self.customer
        return self.report_model._get_statement_data(partner, STATEMENT_DATE)[
            partner.id
        ]

    def _html(self, partners):
        with freeze_time(STATEMENT_DATE):
            html, report_type = self.env["ir.actions.report"]._render_qweb_html(
                REPORT,
                partners.ids,
                data={"date": fields.Date.to_string(STATEMENT_DATE)},
            )
        self.assertEqual(report_type, "html")
        return html.decode()


@tagged("post_install", "-at_install")
class TestStatementData(StatementCase):
    def test_lines_status_and_days_overdue(self):
        statement = self._statement()
        by_move = {line["move"]: line for line in statement["lines"]}
        self.assertEqual(
            set(by_move),
            {
                self.inv_current,
                self.inv_overdue,
                self.inv_old,
                self.inv_disputed,
                self.inv_promised,
                self.inv_eur,
            },
            "every open invoice of the customer and nothing else (not the paid one)",
        )
        self.assertNotIn(self.other_invoice, by_move)
        self.assertEqual(by_move[self.inv_current]["status"], "current")
        self.assertEqual(by_move[self.inv_current]["days_overdue"], -21)
        self.assertEqual(by_move[self.inv_overdue]["status"], "overdue")
        self.assertEqual(by_move[self.inv_overdue]["days_overdue"], 49)
        self.assertEqual(by_move[self.inv_disputed]["status"], "disputed")
        self.assertEqual(by_move[self.inv_promised]["status"], "promised")
        self.assertEqual(by_move[self.inv_promised]["promised_date"], date(2026, 3, 20))
        self.assertEqual(by_move[self.inv_eur]["currency"], self.eur)
        self.assertEqual(by_move[self.inv_eur]["amount_residual"], 400)
        self.assertEqual(by_move[self.inv_overdue]["amount_total"], 1000)
        # Lines come by due date.
        dues = [line["date_due"] for line in statement["lines"]]
        self.assertEqual(dues, sorted(dues))
        self.assertEqual(statement["manager"], self.manager)

    def test_credits_and_payments_in_flight(self):
        statement = self._statement()
        self.assertEqual(
            [(c["kind"], c["name"], c["amount"]) for c in statement["credits"]],
            [
                ("credit_note", self.refund.name, 150),
                ("payment", self.payment.move_id.name, 250),
            ],
        )
        self.assertEqual(
            [(m["kind"], m["name"], m["amount"]) for m in statement["in_flight"]],
            [("bank", "ACME WIRE 2026-03-09", 120)],
        )
        totals = statement["totals"]["USD"]
        self.assertEqual((totals["credits"], totals["in_flight"]), (400, 120))

    def test_aging_and_totals_per_currency(self):
        # On 2026-03-10: current due 03-31, promised due 02-15 (23 days), disputed
        # due 02-01 (37 days), overdue due 01-20 (49 days), old due 2025-11-01 (129).
        statement = self._statement()
        usd, eur = self.company_data["currency"].name, self.eur.name
        self.assertEqual(
            list(statement["totals"]), [usd, eur], "company currency first"
        )
        self.assertEqual(
            statement["aging"][usd],
            {"current": 700, "1_30": 300, "31_60": 1500, "61_90": 0, "over_90": 200},
        )
        self.assertEqual(
            statement["aging"][eur],
            {"current": 0, "1_30": 400, "31_60": 0, "61_90": 0, "over_90": 0},
        )
        totals = statement["totals"][usd]
        open_usd = 700 + 1000 + 200 + 500 + 300
        self.assertEqual(totals["open"], open_usd)
        self.assertEqual(totals["disputed"], 500)
        self.assertEqual(totals["overdue"], open_usd - 700 - 500)
        self.assertEqual(totals["balance"], open_usd - totals["credits"])
        self.assertEqual(statement["totals"][eur]["open"], 400)
        self.assertEqual(statement["totals"][eur]["balance"], 400)

    def test_batched_fixed_number_of_queries(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Batch {i}", "dunning_manager_id": self.manager.id}
                for i in range(6)
            ]
        )
        with freeze_time(STATEMENT_DATE):
            for partner in partners:
                self._invoice(partner, date(2026, 2, 1), 100)
                self._invoice(partner, date(2026, 3, 1), 100, currency=self.eur)
        # Warm the caches that do not depend on the partners (access, currencies).
        self.report_model._get_statement_data(partners[:1], STATEMENT_DATE)
        self.env.invalidate_all()
        queries_two = self.cr.sql_log_count
        self.report_model._get_statement_data(partners[:2], STATEMENT_DATE)
        queries_two = self.cr.sql_log_count - queries_two
        self.env.invalidate_all()
        queries_six = self.cr.sql_log_count
        data = self.report_model._get_statement_data(partners, STATEMENT_DATE)
        queries_six = self.cr.sql_log_count - queries_six
        self.assertEqual(len(data), 6)
        self.assertLessEqual(
            queries_six, queries_two, "the query count does not grow with partners"
        )


@tagged("post_install", "-at_install")
class TestStatementReport(StatementCase):
    def test_html_shows_every_section(self):
        html = self._html(self.customer)
        for text in (
            "Statement of Account",
            "Acme Statements",
            "12 Harbour Road",
            self.inv_overdue.name,
            self.inv_current.name,
            self.inv_eur.name,
            self.refund.name,
            "Under dispute",
            "Invoices under review",
            "Promised for",
            "Invoices you promised to pay",
            "Overdue",
            "Current",
            "Credits in your favour",
            "Payments received, being processed",
            "ACME WIRE 2026-03-09",
            "Aging",
            "Over 90 Days",
            "Cora Credit",
            "cora.credit@example.com",
            "/my/invoices",
            "/dunning/statement/%s/invoices.zip?token=" % self.customer.id,
        ):
            self.assertIn(text, html)
        self.assertNotIn(self.other_invoice.name, html)
        # Each invoice links to its portal page, where the customer can pay it.
        self.assertIn(self.inv_overdue.get_portal_url(), html.replace("&amp;", "&"))
        # Both currencies are totalled.
        self.assertIn("EUR", html)
        self.assertIn("USD", html)

    def test_readable_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        html = self._html(self.customer)
        # French date format on the statement date and amounts with a decimal comma.
        self.assertIn("10/03/2026", html)
        self.assertIn("1\N{NO-BREAK SPACE}000,00", html)

    def test_contact_falls_back_without_manager(self):
        html = self._html(self.other_customer)
        self.assertIn(self.other_invoice.name, html)
        self.assertNotIn("Your contact for this statement", html)

    def test_print_from_partner_list_is_bound_to_res_partner(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")
        self.assertEqual(report.report_type, "qweb-pdf")


@tagged("post_install", "-at_install")
class TestStatementEmail(StatementCase):
    def test_statement_email_carries_pdf_and_download_link(self):
        standard = self.env.ref("bectran_dunning.segment_standard")
        partner = self.env["res.partner"].create(
            {
                "name": "Busy Buyer",
                "email": "busy@example.com",
                "dunning_segment_id": standard.id,
                "dunning_manager_id": self.manager.id,
            }
        )
        # 5 to 9 days overdue: past the 4-day buffer, before any escalation step.
        for day in range(standard.statement_threshold):
            self._invoice(partner, date(2026, 3, 1) + timedelta(days=day), 100 + day)
        with freeze_time(STATEMENT_DATE):
            self.env["dunning.run"].execute(date=STATEMENT_DATE, partners=partner)
            touch = self.env["dunning.touch"].search([("partner_id", "=", partner.id)])
            self.assertEqual((touch.action, touch.state), ("statement", "queued"))
            self.env["dunning.run"]._cron_send_statements()
        self.assertEqual(touch.state, "sent")
        message = touch.mail_message_id
        self.assertIn(
            "/dunning/statement/%s/invoices.zip?token=" % partner.id, message.body
        )
        access = self.access_model.sudo().search([("partner_id", "=", partner.id)])
        self.assertEqual(len(access), 1)
        self.assertIn(access.token, message.body)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertTrue(
            message.attachment_ids.name.startswith("Statement_Busy_Buyer_2026-03-10")
        )
        self.assertTrue(message.attachment_ids.name.endswith(".pdf"))

    def test_template_renders_link_for_the_touch_partner(self):
        touch = self.env["dunning.touch"].create(
            {
                "partner_id": self.customer.id,
                "date": STATEMENT_DATE,
                "manager_id": self.manager.id,
            }
        )
        template = self.env.ref("bectran_dunning.mail_template_statement")
        body = template._render_field("body_html", touch.ids)[touch.id]
        url = self.access_model._get_download_url(self.customer)
        self.assertIn(url, body.replace("&amp;", "&"))
        self.assertIn("Cora Credit", body)


@tagged("post_install", "-at_install")
class TestStatementAccess(StatementCase, HttpCase):
    def _zip_names(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    def _path(self, partner, token):
        return "/dunning/statement/%s/invoices.zip?token=%s" % (partner.id, token)

    def test_token_is_reused_and_url_is_absolute(self):
        url = self.access_model._get_download_url(self.customer)
        self.assertTrue(url.startswith(self.customer.get_base_url()))
        self.assertEqual(url, self.access_model._get_download_url(self.customer))
        access = self.access_model.sudo().search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(access), 1)
        self.assertGreater(
            access.date_expiry, fields.Datetime.now() + timedelta(days=29)
        )
        # A link near its end is not handed out again: a fresh one is.
        access.date_expiry = fields.Datetime.now() + timedelta(days=2)
        self.assertNotEqual(url, self.access_model._get_download_url(self.customer))

    def test_zip_holds_exactly_the_open_invoices(self):
        # One invoice already has its legal PDF stored: it is reused as is.
        self.env["ir.attachment"].create(
            {
                "name": "stored_overdue.pdf",
                "res_model": "account.move",
                "res_id": self.inv_overdue.id,
                "res_field": "invoice_pdf_report_file",
                "raw": b"%PDF-1.4 stored legal document",
            }
        )
        self.inv_overdue.invalidate_recordset(
            ["invoice_pdf_report_id", "invoice_pdf_report_file"]
        )
        self.assertTrue(self.inv_overdue.invoice_pdf_report_id)
        access = self.access_model._get_access(self.customer)
        files = self._zip_names(self.url_open(self._path(self.customer, access.token)))
        open_invoices = self.access_model._get_open_invoices(
            self.customer, self.env.company
        )
        self.assertNotIn(self.other_invoice, open_invoices)
        expected = {
            "stored_overdue.pdf"
            if inv == self.inv_overdue
            else inv._get_invoice_report_filename()
            for inv in open_invoices
        }
        self.assertEqual(set(files), expected)
        self.assertEqual(len(files), len(open_invoices))
        self.assertEqual(files["stored_overdue.pdf"], b"%PDF-1.4 stored legal document")
        # In test mode Odoo renders reports as HTML instead of calling wkhtmltopdf: the
        # invoices rendered on the fly hold the invoice's HTML, with its number.
        rendered = files[self.inv_eur._get_invoice_report_filename()]
        self.assertIn(self.inv_eur.name.encode(), rendered)

    def test_wrong_expired_or_other_partner_token_is_refused(self):
        access = self.access_model._get_access(self.customer)
        other = self.access_model._get_access(self.other_customer)
        self.assertEqual(
            self.url_open(self._path(self.customer, "not-the-token")).status_code, 403
        )
        self.assertEqual(self.url_open(self._path(self.customer, "")).status_code, 403)
        self.assertEqual(
            self.url_open(self._path(self.customer, other.token)).status_code, 403
        )
        # The other customer's own link shows only its invoice.
        files = self._zip_names(
            self.url_open(self._path(self.other_customer, other.token))
        )
        self.assertEqual(
            set(files), {self.other_invoice._get_invoice_report_filename()}
        )
        access.date_expiry = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(
            self.url_open(self._path(self.customer, access.token)).status_code, 403
        )

    def test_portal_statement_page(self):
        portal_user = new_test_user(
            self.env,
            login="acme_portal",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        self.authenticate(portal_user.login, portal_user.login)
        response = self.url_open("/my/statement")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(self.inv_overdue.name, page)
        self.assertIn("Under dispute", page)
        self.assertIn(
            "/dunning/statement/%s/invoices.zip?token=" % self.customer.id, page
        )
        self.assertNotIn(self.other_invoice.name, page)
        # The entry on /my shows once the customer has something open.
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dunning_statement_count"]}
        )
        self.assertEqual(counters["dunning_statement_count"], 1)
        home = self.url_open("/my").text
        self.assertIn('href="/my/statement"', home)
        # The same statement as a file (HTML here: Odoo skips wkhtmltopdf in tests).
        response = self.url_open("/my/statement?report_type=pdf&download=1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response.headers["Content-Disposition"])
        self.assertIn(self.inv_overdue.name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)


@tagged("post_install", "-at_install")
class TestStatementPdf(StatementCase, HttpCase):
    """wkhtmltopdf fetches the report assets from the test server: HttpCase, like Odoo's
    own report rendering tests, so the server shares the test transaction."""

    def _pages(self, pdf):
        self.assertTrue(pdf.startswith(b"%PDF"))
        return PdfFileReader(io.BytesIO(pdf)).getNumPages()

    def test_real_pdf_single_and_merged_batch(self):
        """wkhtmltopdf really runs here (Odoo renders HTML in tests unless forced)."""
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        data = {"date": fields.Date.to_string(STATEMENT_DATE)}
        start = time.perf_counter()
        pdf, report_type = report._render_qweb_pdf(
            REPORT, self.other_customer.ids, data
        )
        single = time.perf_counter() - start
        self.assertEqual(report_type, "pdf")
        self.assertEqual(self._pages(pdf), 1, "a short statement fits on one page")
        # Every section at once: open, promised, disputed, credits, money in flight on
        # page 1; the aging table is kept whole and moves to page 2.
        pdf, _type = report._render_qweb_pdf(REPORT, self.customer.ids, data)
        self.assertEqual(self._pages(pdf), 2)

        # A selection prints one PDF: one wkhtmltopdf call per customer, merged
        # (2 + 1 + 1 pages; the manager's partner has nothing open).
        partners = self.customer | self.other_customer | self.manager.partner_id
        start = time.perf_counter()
        merged, report_type = report._render_qweb_pdf(REPORT, partners.ids, data)
        batch = time.perf_counter() - start
        self.assertEqual(report_type, "pdf")
        self.assertEqual(self._pages(merged), 4)
        _logger.info(
            "Statement PDF: one in %.2fs, three merged in %.2fs", single, batch
        )

        # A contact selected with its company: the company's statement, once.
        contact = self.env["res.partner"].create(
            {"name": "Accounts Payable", "parent_id": self.customer.id}
        )
        merged, _type = report._render_qweb_pdf(
            REPORT, (self.customer | contact | self.other_customer).ids, data
        )
        self.assertEqual(self._pages(merged), 3)

        access = self.access_model.with_context(force_report_rendering=True)
        content, filename = access._render_statements_pdf(partners, STATEMENT_DATE)
        self.assertEqual(self._pages(content), 4)
        self.assertEqual(filename, "Statements_2026-03-10.pdf")
