# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import OrderedDict

from odoo import models

STATEMENT_REPORT = "bectran_dunning.report_statement"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Statements of several customers: one wkhtmltopdf call per customer.

        Debian's wkhtmltopdf (unpatched Qt) refuses several documents in one call; the
        streams collected here are merged into one PDF by ``_render_qweb_pdf``.
        """
        if (
            not res_ids
            or len(set(res_ids)) < 2
            or self._get_report(report_ref).report_name != STATEMENT_REPORT
        ):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        collected = OrderedDict()
        for res_id in OrderedDict.fromkeys(res_ids):
            streams = super()._render_qweb_pdf_prepare_streams(
                report_ref, dict(data or {}), res_ids=[res_id]
            )
            collected[res_id] = streams[res_id]
        return collected
