"""The learner's permit: privacy walkthroughs, the monitoring arrangement, check-ins."""
