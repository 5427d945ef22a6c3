"""Accounts: sign-up, log-in with throttling, server-side sessions, password change and reset,
email confirmation, staff from the CLI."""
