import os

from fastapi import FastAPI


def int_or_none(value):
    if value is None:
        return value
    return int(value)


DEBUG_PORT = os.environ.get("APP_REMOTE_DEBUG")
if DEBUG_PORT:
    print("remote debugging on", DEBUG_PORT)

POOL_SIZE = int_or_none(os.environ.get("APP_POOL_SIZE"))
LDAP_URL = os.environ.get("APP_LDAP_URL", None)
SENTRY_DSN = os.getenv("APP_SENTRY_DSN")
os.environ.pop("NLS_LANG", None)
METADATA = os.environ.get("APP_SAML_METADATA")
if METADATA is not None:
    print("metadata from", METADATA)
# refusing only when both are missing: either one alone is fine
OTHER = os.environ.get("APP_OTHER")
if DEBUG_PORT is None and OTHER is None:
    raise SystemExit("set APP_REMOTE_DEBUG or APP_OTHER")

app = FastAPI()
