"""Disclosure control: relations, the attacker model, the optimiser, the audit and its report.

The rules are in docs/disclosure-control.md.
"""
