# Benchmark body, run by `scripts/bench_run` inside `odoo shell` (``env`` is given).
# Generates customers and open invoices, then times a dry run, a real run, the statement
# job it triggers and "Print statements" for 1 and 50 customers.
import io
import os
import resource
import time
from datetime import date, timedelta

from odoo import Command
from odoo.tools.pdf import PdfFileReader

CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "2000"))
INVOICES = int(os.environ.get("BENCH_INVOICES", "10"))
RUN_DATE = date(2026, 6, 30)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(env):
    # Generation is setup, not measured: no chatter tracking or creation messages.
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
    )
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    account = journal.default_account_id
    # Odoo checks each new invoice number against its journal's whole year: one
    # journal per 2,000 invoices keeps generation linear.
    journals = journal | env["account.journal"].create(
        [
            {
                "name": f"Bench Sales {n}",
                "code": f"BS{n:03d}",
                "type": "sale",
                "company_id": company.id,
                "default_account_id": account.id,
            }
            for n in range(1, (CUSTOMERS * INVOICES - 1) // 2000 + 1)
        ]
    )
    segments = [
        env.ref("bectran_dunning.segment_strategic"),
        env.ref("bectran_dunning.segment_standard"),
        env.ref("bectran_dunning.segment_watchlist"),
    ]
    started = time.monotonic()
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:05d}",
                "email": f"customer{i:05d}@example.com",
                "dunning_segment_id": segments[i % 3].id,
            }
            for i in range(CUSTOMERS)
        ]
    )
    batch = []
    for index, partner in enumerate(partners):
        for j in range(INVOICES):
            due = RUN_DATE - timedelta(days=(index + 7 * j) % 120 - 10)
            batch.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journals[
                        (index * INVOICES + j) // 2000 % len(journals)
                    ].id,
                    "invoice_date": due,
                    "date": due,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "price_unit": 100.0 + j,
                                "account_id": account.id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        if len(batch) >= 2000:
            env["account.move"].create(batch).action_post()
            env.cr.commit()
            batch = []
    if batch:
        env["account.move"].create(batch).action_post()
    env.cr.commit()
    print(
        f"generated {CUSTOMERS} customers x {INVOICES} invoices "
        f"in {time.monotonic() - started:.1f} s"
    )
    return partners


def measure(env, label, **kwargs):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.monotonic()
    run = env["dunning.run"].execute(date=RUN_DATE, **kwargs)
    env.cr.commit()
    wall = time.monotonic() - started
    queries = env.cr.sql_log_count - queries
    partners = len(run.touch_ids.partner_id)
    by_state = {}
    for touch in run.touch_ids:
        by_state[touch.state] = by_state.get(touch.state, 0) + 1
    print(
        f"{label}: {wall:.1f} s wall, {queries} SQL queries, "
        f"{queries / max(partners, 1):.2f} queries/partner, {partners} partners, "
        f"touches {by_state}, peak RSS {peak_mb():.0f} MB"
    )
    return wall


def bench_credit_control(env):
    if "credit.control.run" not in env:
        print("account_credit_control not installed: no comparison")
        return None
    policy = env.ref("account_credit_control.credit_control_3_time")
    policy.account_ids = env["account.account"].search(
        [("account_type", "=", "asset_receivable")]
    )
    env["res.partner"].search([("name", "like", "Bench Customer")]).write(
        {"credit_policy_id": policy.id}
    )
    env.invalidate_all()
    started = time.monotonic()
    run = env["credit.control.run"].create(
        {"date": RUN_DATE, "policy_ids": [Command.set(policy.ids)]}
    )
    run.generate_credit_lines()
    env.cr.commit()
    wall = time.monotonic() - started
    lines = env["credit.control.line"].search_count([("run_id", "=", run.id)])
    print(f"account_credit_control line generation: {wall:.1f} s wall, {lines} lines")
    return wall


def measure_statements(env):
    """The statement job the real run triggers: renders each queued statement's PDF
    (one wkhtmltopdf call each) and posts the email."""
    env.invalidate_all()
    queued = env["dunning.touch"].search_count([("state", "=", "queued")])
    queries = env.cr.sql_log_count
    started = time.monotonic()
    env["dunning.run"]._cron_send_statements()
    env.cr.commit()
    wall = time.monotonic() - started
    queries = env.cr.sql_log_count - queries
    sent = env["dunning.touch"].search_count(
        [("state", "=", "sent"), ("action", "=", "statement")]
    )
    print(
        f"statement job: {wall:.1f} s wall for {queued} queued statements "
        f"({wall / max(queued, 1):.2f} s each), {sent} sent, {queries} SQL queries, "
        f"peak RSS {peak_mb():.0f} MB"
    )


def measure_print(env, count=50):
    """ "Print statements": one customer, then ``count`` customers merged into one PDF
    (one wkhtmltopdf call per customer)."""
    access = env["dunning.statement.access"]
    partners = env["res.partner"].search(
        [("name", "like", "Bench Customer")], limit=count, order="id"
    )
    for label, selection in (
        ("1 customer", partners[:1]),
        (f"{count} customers", partners),
    ):
        started = time.monotonic()
        pdf, _name = access._render_statements_pdf(selection, RUN_DATE)
        wall = time.monotonic() - started
        pages = len(PdfFileReader(io.BytesIO(pdf)).pages)
        print(f"print statements, {label}: {wall:.1f} s wall, {pages} pages")


generate(env)  # noqa: F821 (given by odoo shell)
dry = measure(env, "dry run", dry_run=True)  # noqa: F821
real = measure(env, "real run")  # noqa: F821
measure_statements(env)  # noqa: F821
measure_print(env)  # noqa: F821
oca = bench_credit_control(env)  # noqa: F821
if oca:
    print(f"ratio credit_control / bectran_dunning dry run: {oca / dry:.2f}")
    print(f"ratio credit_control / bectran_dunning real run: {oca / real:.2f}")
