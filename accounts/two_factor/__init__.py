"""Staff two-factor sign-in for the Django admin (django-otp: TOTP + one-time backup
codes). services.py writes devices, middleware.py is the gate, views.py the pages.

Second factors for the JSON API's admin logins (not done yet; how it would go): A2 would
answer an admin who has a confirmed device with `401 {"code": "second_factor_required",
"mfa_token": ...}` (a short-lived signed token naming the user, no JWT yet) instead of the
token pair; a new `POST /api/v1/auth/login/second-factor/` `{mfa_token, code}` would check
the code with `services.second_factor_verify` (the same devices, backup codes and
throttles as the admin's verify page, keyed on the user) and only then issue the pair,
with a claim `amr: ["pwd", "otp"]`; `IsShopAdmin` would require that claim when
STAFF_2FA_REQUIRED is on, so a token obtained with a password alone could not reach an
admin endpoint.
"""
