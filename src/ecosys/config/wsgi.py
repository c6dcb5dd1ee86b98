"""WSGI entry point (gunicorn ecosys.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecosys.config.settings")
application = get_wsgi_application()
