"""Background work on a job queue (huey): sending mail, and the periodic jobs that must run
once per period however many workers and machines run them."""
