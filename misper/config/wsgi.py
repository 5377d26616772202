"""WSGI entry point (gunicorn in `misper serve`; any WSGI server works)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "misper.config.settings")
application = get_wsgi_application()
