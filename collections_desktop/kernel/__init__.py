"""The kernel both wings of the rules stand on: exact money and the injectable clock.

``models`` and ``models.db`` both use it, so it imports nothing of the project but
``i18n`` (an import-linter contract checks this).
"""
