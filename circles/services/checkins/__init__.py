"""Check-ins: the opt-in signal to a circle, "I'll reach out", and recorded check-ins."""
