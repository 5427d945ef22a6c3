"""Accounts: sign-up, log-in with throttling, log-out, password change, staff from the CLI."""
