"""Guardian accounts: creating them, signing in, server-side sessions and the throttles that
slow down guessing. Operations and reads only; the pages are in ``supervisor.web``."""
