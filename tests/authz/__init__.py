"""The generated authorisation matrix (issue 16, "Authorisation").

How to add an area (e.g. the référent's or the relays' routes):

1. Write ``tests/authz/expect_<area>.py`` with ``CASES: list[Case]`` (tests/authz/matrix.py):
   one ``Case`` per route × state, the status of EVERY role written out by hand with
   ``expect(default, anonymous=401, role=status, ...)``; roles and the scene's objects
   are in tests/authz/scene.py. Never compute an expectation from ``coffre.policy``.
2. If the area needs objects of its own (a référent link, a relay...), define
   ``prepare(scene)`` in the same module: it makes them through the API and names them
   in ``scene.ids`` (``scene.makers`` for fresh ones when a call consumes its target).
3. Remove the area's routes from tests/authz/pending.py.

Run: ``.venv/bin/python -m pytest tests/authz -q`` (both backends, one scene each).
"""
