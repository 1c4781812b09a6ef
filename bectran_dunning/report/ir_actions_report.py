# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import OrderedDict

from odoo import models

from odoo.addons.base.models.ir_actions_report import _wkhtml

STATEMENT_REPORT = "bectran_dunning.report_statement"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Statements of several customers: one wkhtmltopdf call per customer.

        Debian's wkhtmltopdf (unpatched Qt) refuses several documents in one call; the
        streams collected here are merged into one PDF by ``_render_qweb_pdf``.
        """
        if self._get_report(report_ref).report_name != STATEMENT_REPORT:
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        if not _wkhtml().is_patched_qt:
            # The wait lets the header and footer scripts run; unpatched Qt has
            # neither and the statement has no script, so a batch of 50 does not wait
            # 50 seconds.
            delay = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("bectran_dunning.statement_print_delay", "100")
            )
            self = self.with_context(bd_wkhtmltopdf_delay=delay)
        if not res_ids or len(set(res_ids)) < 2:
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        # A contact and its company share one statement: rendered once, and the
        # shared stream is merged once.
        collected = OrderedDict()
        by_commercial = {}
        for partner in self.env["res.partner"].browse(OrderedDict.fromkeys(res_ids)):
            commercial = partner.commercial_partner_id.id
            if commercial not in by_commercial:
                streams = super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[partner.id]
                )
                by_commercial[commercial] = streams[partner.id]
            collected[partner.id] = by_commercial[commercial]
        return collected

    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        delay = self.env.context.get("bd_wkhtmltopdf_delay")
        if delay and "--javascript-delay" in args:
            args[args.index("--javascript-delay") + 1] = str(delay)
        return args
