"""The company's set-up written from the app: one module per kind of set-up row.

Each module reads its rows as frozen dataclasses and saves one row per call, in the
caller's transaction: validated with a message naming the field, versioned (an edit
over a stale copy is refused), tombstoned rather than deleted, and refused for a user
who is not an administrator.
"""
