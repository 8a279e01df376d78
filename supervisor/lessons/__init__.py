"""Instruction-stage lessons: content from data files, the player, and the guardians' view."""
