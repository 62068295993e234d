"""Flask-WTF forms: field validation only."""
