"""Development tooling: the demo, the FHIR test-server driver and synthetic patients.

May import the service packages (``cds_service``, ``fhir_mappings``, ``scoring``); none of them
imports this package, so ``pvp-cds serve`` loads none of it.
"""
