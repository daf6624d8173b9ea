# stale module without app
