"""The team database on PostgreSQL: its set-up (roles, row-level security, pool members),
its users, their logins (passwords only in the OS keychain) and a server for small offices.
"""
