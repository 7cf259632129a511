"""Predicted pay dates: when each open invoice will be settled, and its chance of being paid
more than 15 days late, learned from the company's own settled history."""
