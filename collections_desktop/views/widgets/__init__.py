"""Widgets that more than one page uses (the aged-balances chart, …)."""
