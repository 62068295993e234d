"""Domain rules: plain functions taking explicit arguments. They flush, never commit."""
