"""The pulse: the monthly circle safety questions (pure scoring) and their stored answers."""
