# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import uuid
from collections import OrderedDict, defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.base.models.ir_actions_report import _wkhtml

# (key, lowest days overdue, highest days overdue); "current" holds items not yet due.
AGING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)


def _bucket(days_overdue):
    for key, low, high in AGING_BUCKETS:
        if (low is None or days_overdue >= low) and (
            high is None or days_overdue <= high
        ):
            return key
    return "over_90"


class ReportStatement(models.AbstractModel):
    """Statement of account: every open item of a customer with its status, credits and
    payments in flight, aging and totals per currency.

    ``_get_statement_data`` gathers everything for any number of partners with a fixed
    number of queries; the report, the portal page and the dunning run all read it.
    """

    _name = "report.bectran_dunning.report_statement"
    _description = "Statement of Account"

    @api.model
    def _open_invoice_domain(self, partner_ids, company):
        return Domain(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("amount_residual", ">", 0),
                ("commercial_partner_id", "in", list(partner_ids)),
            ]
        )

    @api.model
    def _get_statement_data(self, partners, date=None):
        """``{commercial partner id: statement}`` for the current company on ``date``.

        A statement is a dict:

        - ``partner``, ``company``, ``date``, ``manager`` (res.users or empty);
        - ``lines``: open invoices by due date, each a dict with ``move``, ``name``,
          ``invoice_date``, ``date_due``, ``days_overdue`` (negative when not yet
          due), ``amount_total`` and ``amount_residual`` in the invoice ``currency``,
          ``status`` (``current`` | ``overdue`` | ``disputed`` | ``promised`` |
          ``in_payment``), ``promised_date`` and ``dispute_reason``;
        - ``credits``: unreconciled credit notes and unapplied customer payments,
          each with ``kind`` (``credit_note`` | ``payment``), ``name``, ``ref``,
          ``date``, ``amount`` (positive, what the customer can still use) and
          ``currency``;
        - ``in_flight``: money announced but not on the customer account yet
          (payments in process without journal entry, unreconciled bank statement
          lines), same keys with ``kind`` ``payment`` | ``bank``;
        - ``aging``: ``{currency code: {bucket: amount}}`` with buckets ``current``,
          ``1_30``, ``31_60``, ``61_90``, ``over_90`` (open amounts by days overdue);
        - ``totals``: ``{currency code: {"open", "overdue", "disputed", "credits",
          "in_flight", "balance"}}``; ``balance`` is open minus credits;
        - ``currencies``: ``{currency code: res.currency}``, company currency first.
        """
        date = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        company = self.env.company
        partners = partners.commercial_partner_id
        partner_ids = partners.ids
        result = OrderedDict()
        if not partner_ids:
            return result
        moves = self._statement_moves(partner_ids, company)
        disputes = self._statement_disputes(moves)
        promises = self._statement_promises(partner_ids, company)
        credit_lines = self._statement_credits(partner_ids, company)
        in_flight = self._statement_in_flight(partner_ids, company)

        lines_by_partner = defaultdict(list)
        for move in moves:
            lines_by_partner[move.commercial_partner_id.id].append(
                self._statement_line(move, date, disputes, promises)
            )
        partners.fetch(["name", "lang", "dunning_manager_id"])
        for partner in partners:
            statement = {
                "partner": partner,
                "company": company,
                "date": date,
                "manager": partner.dunning_manager_id,
                "lines": lines_by_partner.get(partner.id, []),
                "credits": credit_lines.get(partner.id, []),
                "in_flight": in_flight.get(partner.id, []),
            }
            statement.update(self._statement_totals(statement, company))
            result[partner.id] = statement
        return result

    # ------------------------------------------------------------------
    # Gathering: one query per kind of data for all partners
    # ------------------------------------------------------------------
    @api.model
    def _statement_moves(self, partner_ids, company):
        return self.env["account.move"].search_fetch(
            self._open_invoice_domain(partner_ids, company),
            [
                "name",
                "commercial_partner_id",
                "invoice_date",
                "invoice_date_due",
                "amount_total",
                "amount_residual",
                "currency_id",
                "payment_state",
                "access_token",
            ],
            order="invoice_date_due, name, id",
        )

    @api.model
    def _statement_disputes(self, moves):
        """``{move id: reason}`` of the open disputes."""
        if "dunning.dispute" not in self.env or not moves:
            return {}
        disputes = self.env["dunning.dispute"].search_fetch(
            [("move_id", "in", moves.ids), ("state", "=", "open")],
            ["move_id", "reason"],
        )
        return {dispute.move_id.id: dispute.reason or "" for dispute in disputes}

    @api.model
    def _statement_promises(self, partner_ids, company):
        """``{partner id: [(promised date, move ids or None for every open item)]}``."""
        if "dunning.promise" not in self.env:
            return {}
        promises = self.env["dunning.promise"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("state", "=", "open"),
            ],
            ["partner_id", "move_ids", "promised_date"],
            order="promised_date, id",
        )
        result = defaultdict(list)
        for promise in promises:
            result[promise.partner_id.commercial_partner_id.id].append(
                (promise.promised_date, set(promise.move_ids.ids) or None)
            )
        return result

    @api.model
    def _statement_credits(self, partner_ids, company):
        lines = self.env["account.move.line"].search_fetch(
            self.env["dunning.run"]._unapplied_credit_domain(partner_ids, company),
            [
                "partner_id",
                "move_id",
                "move_name",
                "date",
                "amount_residual",
                "amount_residual_currency",
                "currency_id",
                "company_currency_id",
            ],
            order="date, id",
        )
        lines.move_id.fetch(["move_type", "commercial_partner_id", "ref"])
        result = defaultdict(list)
        for line in lines:
            pid = (
                line.move_id.commercial_partner_id.id
                or line.partner_id.commercial_partner_id.id
            )
            foreign = line.currency_id and line.currency_id != line.company_currency_id
            result[pid].append(
                {
                    "kind": "credit_note"
                    if line.move_id.move_type == "out_refund"
                    else "payment",
                    "name": line.move_name,
                    "ref": line.move_id.ref or "",
                    "date": line.date,
                    "amount": -(
                        line.amount_residual_currency
                        if foreign
                        else line.amount_residual
                    ),
                    "currency": line.currency_id
                    if foreign
                    else line.company_currency_id,
                    "move": line.move_id,
                }
            )
        return result

    @api.model
    def _statement_in_flight(self, partner_ids, company):
        result = defaultdict(list)
        # Community registers payments without a journal entry until the bank statement
        # is reconciled; those not matched to an invoice are money announced but not yet
        # on the receivable. Those matched to an invoice show on the invoice's status.
        payments = self.env["account.payment"].search_fetch(
            self.env["dunning.run"]._announced_payment_domain(partner_ids, company),
            ["partner_id", "name", "memo", "date", "amount", "currency_id"],
            order="date, id",
        )
        for payment in payments:
            result[payment.partner_id.commercial_partner_id.id].append(
                {
                    "kind": "payment",
                    "name": payment.name or "",
                    "ref": payment.memo or "",
                    "date": payment.date,
                    "amount": payment.amount,
                    "currency": payment.currency_id,
                }
            )
        bank_lines = self.env["account.bank.statement.line"].search_fetch(
            self.env["dunning.run"]._unreconciled_bank_line_domain(
                partner_ids, company
            ),
            ["partner_id", "payment_ref", "date", "amount", "currency_id"],
            order="date, id",
        )
        for line in bank_lines:
            result[line.partner_id.commercial_partner_id.id].append(
                {
                    "kind": "bank",
                    "name": line.payment_ref or "",
                    "ref": "",
                    "date": line.date,
                    "amount": line.amount,
                    "currency": line.currency_id,
                }
            )
        return result

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------
    @api.model
    def _statement_line(self, move, date, disputes, promises):
        date_due = move.invoice_date_due or move.invoice_date or date
        days_overdue = (date - date_due).days
        promised_date = False
        for promised, move_ids in promises.get(move.commercial_partner_id.id, ()):
            if move_ids is None or move.id in move_ids:
                promised_date = promised
                break
        if move.id in disputes:
            status = "disputed"
        elif promised_date:
            status = "promised"
        elif move.payment_state in ("in_payment", "paid"):
            # Community marks an invoice paid while its payment (without journal entry)
            # is in process: the money is on its way.
            status = "in_payment"
        elif days_overdue > 0:
            status = "overdue"
        else:
            status = "current"
        return {
            "move": move,
            "name": move.name,
            "invoice_date": move.invoice_date,
            "date_due": date_due,
            "days_overdue": days_overdue,
            "amount_total": move.amount_total,
            "amount_residual": move.amount_residual,
            "currency": move.currency_id,
            "status": status,
            "promised_date": promised_date,
            "dispute_reason": disputes.get(move.id, ""),
        }

    @api.model
    def _statement_totals(self, statement, company):
        currencies = {company.currency_id.name: company.currency_id}
        aging = OrderedDict()
        totals = OrderedDict()

        def _for(currency):
            if currency.name not in totals:
                currencies.setdefault(currency.name, currency)
                aging[currency.name] = dict.fromkeys(
                    (key for key, *_r in AGING_BUCKETS), 0.0
                )
                totals[currency.name] = dict.fromkeys(
                    ("open", "overdue", "disputed", "credits", "in_flight", "balance"),
                    0.0,
                )
            return aging[currency.name], totals[currency.name]

        for line in statement["lines"]:
            buckets, total = _for(line["currency"])
            buckets[_bucket(line["days_overdue"])] += line["amount_residual"]
            total["open"] += line["amount_residual"]
            if line["status"] == "disputed":
                total["disputed"] += line["amount_residual"]
            elif line["days_overdue"] > 0:
                total["overdue"] += line["amount_residual"]
        for credit in statement["credits"]:
            total = _for(credit["currency"])[1]
            total["credits"] += credit["amount"]
        for money in statement["in_flight"]:
            total = _for(money["currency"])[1]
            total["in_flight"] += money["amount"]
        for code, total in totals.items():
            total["balance"] = total["open"] - total["credits"]
            self._round_amounts(total, currencies[code])
            self._round_amounts(aging[code], currencies[code])
        # Company currency first, then the others by code.
        order = sorted(
            totals, key=lambda code: (code != company.currency_id.name, code)
        )
        return {
            "aging": OrderedDict((code, aging[code]) for code in order),
            "totals": OrderedDict((code, totals[code]) for code in order),
            "currencies": OrderedDict((code, currencies[code]) for code in order),
        }

    @api.model
    def _round_amounts(self, amounts, currency):
        for key, value in amounts.items():
            amounts[key] = currency.round(value)

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        partners = self.env["res.partner"].browse(docids)
        date = fields.Date.to_date(data.get("date")) if data.get("date") else None
        statements = self._get_statement_data(partners, date)
        links = self._statement_links(statements)
        docs = partners.commercial_partner_id
        # Unpatched Qt drops the header of web.external_layout: print the company
        # letterhead inside the page instead.
        inline_letterhead = (
            data.get("report_type") == "pdf" and not _wkhtml().is_patched_qt
        )
        values = {
            "doc_ids": docs.ids,
            "doc_model": "res.partner",
            "docs": docs,
            "statements": statements,
            "links": links,
            "aging_buckets": [key for key, *_r in AGING_BUCKETS],
            "inline_letterhead": inline_letterhead,
        }
        if inline_letterhead:
            # No header to make room for: use the top of the page.
            values.update(data_report_margin_top=12, data_report_header_spacing=0)
        return values

    @api.model
    def _statement_links(self, statements):
        """``{partner id: {"download": url, "pay": url, "invoices": {move id: url}}}``.

        Pay links are each invoice's portal URL with its access token, so customers
        pay without an account. A read-only cursor (``/report/pdf`` in a browser)
        cannot create tokens: the statement then shows the links that already exist.
        """
        readonly = self.env.cr.readonly
        moves = self.env["account.move"].concat(
            *(
                line["move"]
                for statement in statements.values()
                for line in statement["lines"]
            )
        )
        if not readonly:
            for move in moves.sudo().filtered(lambda m: not m.access_token):
                move.access_token = str(uuid.uuid4())
        access_model = self.env["dunning.statement.access"]
        links = {}
        for partner_id, statement in statements.items():
            company = statement["company"]
            base_url = company.get_base_url()
            invoices = {}
            for line in statement["lines"]:
                move = line["move"].sudo()
                if move.access_token:
                    invoices[move.id] = base_url + move.get_portal_url()
            download = False
            if statement["lines"] and not readonly:
                download = access_model._get_download_url(statement["partner"])
            links[partner_id] = {
                "download": download,
                "pay": base_url + "/my/invoices",
                "invoices": invoices,
            }
        return links
