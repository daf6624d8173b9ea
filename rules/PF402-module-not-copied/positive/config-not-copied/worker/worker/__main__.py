import telemetry

telemetry.setup()
