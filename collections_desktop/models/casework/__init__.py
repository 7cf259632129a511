"""Casework: a collector's activities and the cases that group a customer's transactions
and activities to be worked together."""
