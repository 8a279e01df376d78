"""supervisor: a family's companion for bringing a child onto social media step by step.

The app is built by ``supervisor.app.create_app``; ARCHITECTURE.md describes the layers.
"""
