"""Aging: period definitions, one customer's aged balance, a whole scope aged in one statement
and stored as a snapshot, the risk score, and the aging written out as a report."""
