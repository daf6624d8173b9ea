"""Rules: one module per rule under a family subpackage; the registry is `preflight.rules.registry`."""
