"""Persistence: mapped classes, the money type, the engine and Alembic migrations."""
