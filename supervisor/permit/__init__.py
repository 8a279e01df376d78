"""The learner's permit: walkthrough runs, the monitoring arrangement, schedules, check-ins and
learning moments (``operations`` writes, ``reads`` reads), and the agreement they add up to."""
