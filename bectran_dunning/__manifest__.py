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
        "security/bectran_dunning_security.xml",
        "views/dunning_segment_views.xml",
        "views/dunning_dispute_views.xml",
        "views/dunning_promise_views.xml",
        "views/dunning_touch_views.xml",
        "views/dunning_run_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/bectran_dunning_menus.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/dunning_segment_data.xml",
        "wizards/dunning_dispute_wizard_views.xml",
        "wizards/dunning_promise_wizard_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
        "demo/dunning_dispute_demo.xml",
        "demo/dunning_promise_demo.xml",
        "demo/dunning_touch_demo.xml",
    ],
}
