"""Two-factor login (第二十九条): TOTP enrolment with a QR code, static recovery codes, the
two-step login, step-up before sealed records, the lockout after repeated failures, the gate
that keeps unverified sessions out, and API tokens that need the second factor.

models (failures, lockouts, API tokens) · lockout (five failures in fifteen minutes) ·
devices (enrolment, codes, replay) · attempts (one code attempt: lockout and log) ·
pending (a password-checked login waiting for its code) · services (who must use it,
step-up) · qr · forms · messages · views · urls · middleware (the gate) · admin_site
(the Django admin behind the portal login) · api_tokens, api_auth (DRF).
"""
