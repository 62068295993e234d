"""The 1:1 load: the private log (database) and the index, arc and nudge rule (pure)."""
