# Copyright 2026 Bectran
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Bectran Dunning",
    "summary": "Collect receivables without dunning fatigue: trust segments, "
    "holds, promises to pay, one consolidated statement, explained decisions",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Bectran",
    "website": "https://www.bectran.com",
    "license": "LGPL-3",
    "depends": ["account", "mail", "portal"],
    "data": [
        "security/bectran_dunning_groups.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
    ],
    "demo": [],
}
