"""Forms for every page, with the fields and filters they share (``fields``)."""
