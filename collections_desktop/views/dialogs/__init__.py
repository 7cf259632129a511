"""Dialogs: small windows that ask for or show one thing (an activity, a confirmation)."""
