"""The family's own rules and records: settings and the two-key rule, held changes and their
approval, membership, invites, its own words, and its data export and deletion."""
