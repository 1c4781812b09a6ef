# Benchmark of the nightly payment-behaviour refresh, executed inside `odoo shell`
# (``env`` is given) on a database where bectran_dunning is installed:
#
#   BENCH_CUSTOMERS=2000 odoo shell -d DB --no-http < scripts/bench_review.py
#
# Generates customers with 12 months of invoices (two thirds paid, at varying delays,
# by bank entries reconciled with them), then times two refreshes (the first
# creates the behaviour rows, the second updates them) and counts the SQL queries.
import os
import time
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "2000"))
INVOICES = int(os.environ.get("BENCH_INVOICES", "6"))
AS_OF = date(2026, 6, 30)


def generate(env):
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    account = journal.default_account_id
    segments = [
        env.ref("bectran_dunning.segment_strategic"),
        env.ref("bectran_dunning.segment_standard"),
        env.ref("bectran_dunning.segment_watchlist"),
    ]
    started = time.monotonic()
    partners = env["res.partner"].create(
        [
            {
                "name": f"Review Bench {i:05d}",
                "email": f"review{i:05d}@example.com",
                "dunning_segment_id": segments[i % 3].id,
            }
            for i in range(CUSTOMERS)
        ]
    )
    receivable = partners[0].property_account_receivable_id
    outstanding = bank.inbound_payment_method_line_ids[:1].payment_account_id or (
        bank.default_account_id
    )
    for start in range(0, CUSTOMERS, 250):
        vals = []
        for index, partner in enumerate(partners[start : start + 250], start):
            for j in range(INVOICES):
                due = AS_OF - timedelta(days=30 + 50 * j + index % 17)
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": due,
                        "date": due,
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Service",
                                    "price_unit": 100.0 + 10 * j + index % 50,
                                    "account_id": account.id,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        invoices = env["account.move"].create(vals)
        invoices.action_post()
        # Two invoices in three are paid, 0 to 69 days late: one bank entry each,
        # reconciled with the invoice's receivable line.
        paid = [move for i, move in enumerate(invoices) if i % 3]
        receipts = env["account.move"].create(
            [
                {
                    "move_type": "entry",
                    "journal_id": bank.id,
                    "date": move.invoice_date_due + timedelta(days=(i * 7) % 70),
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": outstanding.id,
                                "partner_id": move.partner_id.id,
                                "debit": move.amount_total,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": receivable.id,
                                "partner_id": move.partner_id.id,
                                "credit": move.amount_total,
                            }
                        ),
                    ],
                }
                for i, move in enumerate(paid)
            ]
        )
        receipts.action_post()
        env["account.move.line"]._reconcile_plan(
            [
                (move | receipt).line_ids.filtered(
                    lambda line: line.account_id == receivable
                )
                for move, receipt in zip(paid, receipts, strict=True)
            ]
        )
        env.cr.commit()
    print(
        f"generated {CUSTOMERS} customers x {INVOICES} invoices "
        f"in {time.monotonic() - started:.1f} s"
    )


def measure(env, label):
    env.invalidate_all()
    before = env.cr.sql_log_count
    started = time.monotonic()
    with freeze_time(AS_OF):
        records = env["dunning.behaviour"]._refresh(env.company, as_of=AS_OF)
        env.flush_all()
    elapsed = time.monotonic() - started
    flagged = len(records.filtered(lambda b: b.review_state == "flagged"))
    print(
        f"{label}: {len(records)} customers in {elapsed:.2f} s "
        f"({env.cr.sql_log_count - before} queries, {flagged} flagged)"
    )
    env.cr.commit()


generate(env)  # noqa: F821 - given by odoo shell
measure(env, "first refresh (creates)")  # noqa: F821
measure(env, "second refresh (updates)")  # noqa: F821
