"""The ``coffre`` command.

Person commands go through ``client/``; admin commands go through ``coffre/``.
"""
