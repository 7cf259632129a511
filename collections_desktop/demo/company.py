"""The demo company and its team: fixed, whatever the seed.

The data are in the company's working language (English) whatever the user's language,
so that the same seed always gives the same rows. Fixed people, so that screenshots and
documentation show the same team whatever the seed.
"""

from __future__ import annotations

COMPANY_NAME = "Atlántica Suministros Industriales, S.L."
"""The demo company: a distributor selling to Spain, Portugal, France and the UK."""
ACCOUNTING_CURRENCY = "EUR"
HISTORY_DAYS = 730
"""Invoices are posted over the two years before ``today``."""

# Employees: number, name, user name (the three agents), phone, role.
EMPLOYEES = (
    ("E-0001", "Lucía Fernández Ortega", "lfernandez", "+34 910 555 101", "agent"),
    ("E-0002", "Camille Dubois", "cdubois", "+33 1 99 00 12 34", "agent"),
    ("E-0003", "Oliver Bennett", "obennett", "+44 20 7946 0123", "agent"),
    ("E-0004", "Javier Morales Ruiz", None, "+34 910 555 140", "sales ES"),
    ("E-0005", "Ana Sofia Carvalho", None, "+351 210 555 150", "sales PT"),
    ("E-0006", "Claire Lefèvre", None, "+33 1 99 00 56 78", "sales FR"),
    ("E-0007", "James Whitaker", None, "+44 20 7946 0456", "sales GB"),
)
DEMO_USER = EMPLOYEES[0][2]
"""The user name of the demo's first collections agent (Iberia pool), its administrator:
the app's first start gives this employee the computer's login."""
POOLS = (
    ("Iberia", "Customers in Spain and Portugal.", ("ES", "PT")),
    ("France & UK", "Customers in France and the United Kingdom.", ("FR", "GB")),
)
POOL_LABELS = ("Iberia", "France & UK", "all pools")  # what each agent reviews
