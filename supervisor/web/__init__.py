"""Everything that knows about requests: the blueprints (one per module, grouped by audience),
their forms, who may reach what, step-up, error pages and response headers."""
