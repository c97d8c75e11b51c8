"""The HTTP API: thin routes over the domain services of ``coffre``."""
