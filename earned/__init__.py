"""earned: a private companion for moving toward earned attachment security."""
