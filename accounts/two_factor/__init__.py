"""Staff two-factor sign-in for the Django admin (django-otp: TOTP + one-time backup
codes). services.py writes devices, middleware.py is the gate, views.py the pages."""
