"""Joint governance: committees, their meetings and decisions, and the initiatives they follow."""
