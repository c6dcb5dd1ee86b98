"""Writes of the programmes domain; each function runs in one transaction and checks its actor."""
