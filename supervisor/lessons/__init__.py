"""Lessons of the instruction stage: a child's progress and quiz scores, and the prompt bank
with the family's own prompts. The lessons themselves are content (``supervisor.content``)."""
