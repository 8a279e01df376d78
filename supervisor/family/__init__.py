"""The family's own area: its children, its guardians and invites for a second guardian."""
