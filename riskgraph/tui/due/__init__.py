"""The review schedule screen (what is due or overdue for review, by owner)."""
