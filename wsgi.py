"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

from supervisor.app import create_app

app = create_app()
