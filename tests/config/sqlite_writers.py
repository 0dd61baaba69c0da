"""Start N writers at once on one SQLite file; print what was stored as JSON.

Run by tests/config/test_sqlite_writers.py in a fresh process so that the
database settings are exactly the ones ServiceStar starts with (``servicestar``)
or Django's plain SQLite defaults (``plain``). Each writer reads, thinks for a
moment and then writes inside one transaction, as recording an answer does.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django
from django.conf import settings


def main(mode: str, writers: int) -> None:
    if mode == "plain":
        settings.DATABASES["default"]["OPTIONS"] = {}
    django.setup()
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE answer (id INTEGER PRIMARY KEY, writer INTEGER UNIQUE, "
            "seen INTEGER)"
        )
    connection.close()
    start = threading.Barrier(writers)
    errors: list[str] = []

    def write(number: int) -> None:
        try:
            start.wait()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM answer")
                seen = cursor.fetchone()[0]
                time.sleep(0.005)
                cursor.execute(
                    "INSERT INTO answer (writer, seen) VALUES (%s, %s)", [number, seen]
                )
        except Exception as error:  # every failure is what we count
            errors.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM answer")
        stored = cursor.fetchone()[0]
    print(json.dumps({"stored": stored, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
