"""Accounts: sign-up and confirmation, sign-in, passwords, profile, export and deletion."""
