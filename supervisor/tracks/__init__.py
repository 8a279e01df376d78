"""Tracks: one per social network a child is learning, moved through the stages by sign-off."""
