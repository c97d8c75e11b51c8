"""Background work: one registry of jobs (registry.py), run in-process by the app
(inprocess.py) or by `coffre worker` processes through procrastinate (queue.py)."""
