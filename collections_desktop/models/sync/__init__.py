"""The offline replica and its sync with the team database.

A laptop works on a local SQLite replica of its user's scope; every local write leaves an
operation in an outbox in the same transaction; a sync pushes the outbox to the team's
PostgreSQL (each operation applied at most once, validated against the server's state) and
pulls what changed since a cursor that never skips a row. ``catalogue`` says which tables
take part and how each row belongs to a customer; docs/TEAM.md tells the whole story.
"""
