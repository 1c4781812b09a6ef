"""Dunning decisions in plain Python: no Odoo import anywhere in this package."""
