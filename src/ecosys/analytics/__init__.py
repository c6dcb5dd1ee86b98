"""Framework-free analytics: pure functions on plain data. Never imports Django (import-linter checks)."""
