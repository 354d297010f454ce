"""WSGI application of the test site, for gunicorn in component tests."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings.server")

application = get_wsgi_application()
