import time
import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from tests.leaderboard.test_displays import pair, points, open_display, frame, drain
from tests.factories import make_user


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_measure(manager, team):
    display, token = await sync_to_async(pair)(manager)
    people = await sync_to_async(lambda: [make_user(team=team) for _ in range(50)])()
    socket = await open_display(display.pk, token)
    await frame(socket)

    def spread():
        for n in range(200):
            points(people[n % 50], n + 1, f"quiz:{n}")

    def one_tx():
        with transaction.atomic():
            for n in range(500):
                points(people[n % 50], n + 1, f"quiz:b{n}")

    for name, work in [("200 separate commits", spread), ("500 in one transaction", one_tx)]:
        t = time.monotonic()
        await sync_to_async(work)()
        took = time.monotonic() - t
        got = await drain(socket)
        print(f"\n{name}: writes took {took:.2f}s, frames {len(got)} ({[f['type'] for f in got]})")
    # latency
    lat = []
    for i in range(5):
        t = time.monotonic()
        await sync_to_async(points)(people[0], 5, f"quiz:lat{i}")
        await frame(socket)
        lat.append(time.monotonic() - t)
        await drain(socket, 0.5)
    print("latency", [round(x, 3) for x in lat])
    await socket.disconnect()
