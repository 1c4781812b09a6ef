# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.pdf import merge_pdf

DEFAULT_VALIDITY_DAYS = 30


class DunningStatementAccess(models.Model):
    """A secret link that lets one customer download its open invoices without a login.

    The token is tied to a commercial partner and a company and expires; the download
    route only ever serves that partner's open invoices of that company.
    """

    _name = "dunning.statement.access"
    _description = "Statement Download Link"
    _order = "date_expiry desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
    )
    date_expiry = fields.Datetime(string="Expires On", required=True, readonly=True)

    _token_unique = models.Constraint(
        "UNIQUE(token)", "A download link must be unique."
    )

    @api.model
    def _validity_days(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bectran_dunning.statement_link_days")
        )
        try:
            return max(int(value), 1) if value else DEFAULT_VALIDITY_DAYS
        except ValueError:
            return DEFAULT_VALIDITY_DAYS

    @api.model
    def _get_access(self, partner):
        """A valid link for the partner, reused while more than half its life is left
        so a link sent today still works for most of the validity period."""
        partner = partner.commercial_partner_id
        company = self.env.company
        validity = self._validity_days()
        now = fields.Datetime.now()
        access = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("date_expiry", ">", now + timedelta(days=validity / 2)),
            ],
            limit=1,
        )
        if not access:
            access = self.sudo().create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_expiry": now + timedelta(days=validity),
                }
            )
        return access

    @api.model
    def _get_download_url(self, partner):
        """Absolute URL of the ZIP of the partner's open invoice PDFs (no login)."""
        access = self._get_access(partner)
        return "%s/dunning/statement/%s/invoices.zip?token=%s" % (
            access.company_id.get_base_url(),
            access.partner_id.id,
            access.token,
        )

    @api.model
    def _check_token(self, partner_id, token):
        """The unexpired access matching this partner and token, else empty."""
        if not token or not isinstance(token, str):
            return self.browse()
        candidates = self.sudo().search(
            [
                ("partner_id", "=", partner_id),
                ("date_expiry", ">", fields.Datetime.now()),
            ]
        )
        return candidates.filtered(lambda access: consteq(access.token, token))[:1]

    @api.model
    def _get_open_invoices(self, partner, company):
        """Open customer invoices of the commercial partner in the company, as the
        statement lists them."""
        return (
            self.env["account.move"]
            .sudo()
            .search(
                self.env[
                    "report.bectran_dunning.report_statement"
                ]._open_invoice_domain(partner.commercial_partner_id.ids, company),
                order="invoice_date_due, name, id",
            )
        )

    @api.model
    def _invoice_documents(self, invoices):
        """``[(filename, content)]``: the stored legal PDF when Odoo has one, otherwise
        the invoice rendered now (one wkhtmltopdf call per invoice: unpatched Qt cannot
        render several documents in one call). Rendered PDFs are not stored: storing the
        legal PDF is what sending the invoice does, not downloading it."""
        report = self.env["ir.actions.report"].sudo()
        documents = []
        for invoice in invoices.sudo():
            stored = invoice.invoice_pdf_report_id
            if stored:
                documents.append((stored.name, stored.raw))
                continue
            content, _report_type = report._render_qweb_pdf(
                "account.account_invoices", invoice.ids
            )
            documents.append((invoice._get_invoice_report_filename(), content))
        return documents

    @api.model
    def _render_statement_pdf(self, partner, date=None):
        """``(pdf bytes, filename)`` of one statement, in the partner's language."""
        partner = partner.commercial_partner_id
        date = date or fields.Date.context_today(self)
        report = self.env["ir.actions.report"]
        if partner.lang:
            report = report.with_context(lang=partner.lang)
        content, _report_type = report._render_qweb_pdf(
            "bectran_dunning.action_report_statement",
            partner.ids,
            data={"date": fields.Date.to_string(date)},
        )
        return content, self._statement_filename(partner, date)

    @api.model
    def _render_statements_pdf(self, partners, date=None):
        """``(pdf bytes, filename)``: one statement per partner, rendered one by one and
        merged into a single PDF."""
        partners = partners.commercial_partner_id
        date = date or fields.Date.context_today(self)
        pdfs = [self._render_statement_pdf(partner, date)[0] for partner in partners]
        content = pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)
        if len(partners) == 1:
            return content, self._statement_filename(partners, date)
        return content, "%s_%s.pdf" % (
            self.env._("Statements"),
            fields.Date.to_string(date),
        )

    @api.model
    def _statement_filename(self, partner, date):
        name = (partner.name or str(partner.id)).replace("/", "_").replace(" ", "_")
        return "%s_%s_%s.pdf" % (
            self.env._("Statement"),
            name,
            fields.Date.to_string(date),
        )
