"""The contest engine: what every contest kind shares.

- ``registry``: the kinds, and what a kind must tell the engine (ContestKind).
- ``lifecycle``: start, open, close, reveal, pause, resume, end; idle contests.
- ``intake``: submissions, group-committed, judged by the kind.
- ``clock``: rounds close at their deadline, in every process.
- ``seating``: joining, removal, the tab that plays, take-over.
- ``snapshots``: what a page shows now, kept a second per version.
- ``broadcast``: after commit, the stage to everyone, results to each.
- ``progress``: live progress that is never stored, coalesced.
- ``standings``: individual and team standings, competition ranks.
- ``audience``: the only API the wall displays and "live now" use.
- ``consumer``: the one socket, ``/ws/quiz/<id>/``.

Imports go one way: kinds import the engine, the engine finds kinds through
the registry only.
"""
