# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import http
from odoo.http import request

from odoo.addons.account.controllers.download_docs import (
    _build_zip_from_data,
    _get_headers,
)
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..report.statement import AGING_BUCKETS


class DunningStatementPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_statement_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            values["dunning_statement_count"] = (
                request.env["account.move"]
                .sudo()
                .search_count(
                    request.env[
                        "report.bectran_dunning.report_statement"
                    ]._open_invoice_domain(partner.ids, request.env.company),
                    limit=1,
                )
            )
        return values

    @http.route("/my/statement", type="http", auth="user", website=True)
    def portal_my_statement(self, report_type=None, download=False, **kw):
        partner = request.env.user.partner_id.commercial_partner_id
        report_model = request.env["report.bectran_dunning.report_statement"].sudo()
        if report_type == "pdf":
            pdf, filename = (
                request.env["dunning.statement.access"]
                .sudo()
                ._render_statement_pdf(partner)
            )
            disposition = "attachment" if download else "inline"
            return request.make_response(
                pdf,
                [
                    ("Content-Type", "application/pdf"),
                    ("Content-Length", len(pdf)),
                    (
                        "Content-Disposition",
                        '%s; filename="%s"' % (disposition, filename),
                    ),
                ],
            )
        statements = report_model._get_statement_data(partner)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dunning_statement",
                "statement": statements[partner.id],
                "link": report_model._statement_links(statements)[partner.id],
                "aging_buckets": [key for key, *_rest in AGING_BUCKETS],
                "show_links": True,
            }
        )
        return request.render("bectran_dunning.portal_my_statement", values)

    @http.route(
        "/dunning/statement/<int:partner_id>/invoices.zip",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def statement_invoices_zip(self, partner_id, token=None, **kw):
        """Every open invoice PDF of the partner, for whoever holds its valid link."""
        Access = request.env["dunning.statement.access"].sudo()
        access = Access._check_token(partner_id, token)
        if not access:
            return request.make_response(
                request.env._(
                    "This link is not valid or has expired. "
                    "Please ask us for a new statement."
                ),
                [("Content-Type", "text/plain; charset=utf-8")],
                status=403,
            )
        Access = Access.with_company(access.company_id)
        invoices = Access._get_open_invoices(access.partner_id, access.company_id)
        documents = Access._invoice_documents(invoices)
        content = _build_zip_from_data(
            [{"filename": name, "content": data} for name, data in documents]
        )
        filename = "%s.zip" % request.env._("invoices")
        return request.make_response(
            content, _get_headers(filename, "application/zip", content)
        )
