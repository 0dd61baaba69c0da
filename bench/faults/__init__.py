"""``make faults`` / ``python -m bench.faults``: faults a floor meets.

A quiz of 200 agents on two daphne workers with PostgreSQL and a Redis of the
benchmark's own (``redis-server --save ''`` on a free port: the machine's
shared Redis is never touched) meets three faults, one per question, each in
the middle of the question:

1. 20 % of the sockets are dropped (aborted by the client) and reconnect;
2. one worker is killed with SIGKILL and started again, its agents
   reconnecting to the other meanwhile (as nginx would route them);
3. Redis is restarted (its contents lost: ``--save ''``).

Then wall displays: one kept alive across a simulated 25 hours (daphne's
24-hour socket close shortened to seconds with ``--websocket_timeout``) and
one that stops reading its socket while others watch the same board.

Prints one JSON object (progress on stderr). docs/faults.md explains every
key and records a run. Settings: ``FAULTS_AGENTS`` (200), ``FAULTS_SECONDS``
(per question, 20), ``FAULTS_DAY_S`` (the simulated 24 h, 6 s),
``FAULTS_POSTGRES_URL`` (the server to create the throwaway database on),
``FAULTS_PARTS`` (``quiz,displays``: either alone for a quicker run).
"""
