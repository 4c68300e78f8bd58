"""WSGI entry point: `gunicorn wsgi:app` and `FLASK_APP=wsgi`."""
from igny8 import create_app

app = create_app()
