"""The guardians' pages: the family, its guardians and tablets, each child's tracks, permit and
lessons, the family's own words and the calendar link."""
