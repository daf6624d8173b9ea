#!/bin/sh
set -e
if [ -n "$MIGRATE_ON_START" ]; then echo migrate; fi
export DERIVED_URL="postgresql://db/$APP_MODE"
exec "$@"
