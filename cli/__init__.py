"""The ``coffre`` command: person commands go through ``client/``, admin ones through ``coffre/``."""
