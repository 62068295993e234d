"""Test helpers: a local SMTP inbox, a local push service, factories."""
