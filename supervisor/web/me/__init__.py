"""The child's own pages on the tablet: their tracks, what guardians can see, and the lesson
player."""
