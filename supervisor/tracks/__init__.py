"""Tracks: one per social network a child is learning, moved through the stages by sign-off.
Operations change them; reads, the age gate, the next step and requirement facts read them."""
