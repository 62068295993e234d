"""Prompts: the library, each circle's deck, votes, assignment and rotation."""
