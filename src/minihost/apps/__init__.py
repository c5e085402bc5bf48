"""Mini program registration: appid, secret, request-domain whitelist."""
