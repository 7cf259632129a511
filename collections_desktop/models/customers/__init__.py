"""A customer's own record: general data, addresses, contacts, credit and collections
fields, read whole and saved in one transaction with a history of every changed field."""
