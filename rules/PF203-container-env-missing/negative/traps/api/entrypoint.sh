#!/bin/sh
set -e
if [ -n "$MIGRATE_ON_START" ]; then echo migrate; fi
exec "$@"
