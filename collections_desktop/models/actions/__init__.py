"""What a collector does to a customer's items: change their collection status, judge
promises, write off, process an NSF payment, compute interest, and waive, reverse or
reinstate charges. Each action is one transaction through the ledger."""
