"""The fault run: set up, the quiz under faults, the wall displays, clean up."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

from bench.agents import raise_open_files
from bench.faults import displays
from bench.faults.quiz import Floor, say
from bench.faults.services import Database, OwnRedis, Worker, environment_for
from bench.site import check_services, end_all, prepared


def _interrupt(_signal, _frame) -> None:
    raise KeyboardInterrupt


async def quiz_under_faults(site, setup, redis, seconds: int) -> dict:
    agents = len(setup["agents"])
    quiz = await asyncio.to_thread(
        site.populate, "quiz", players=agents, questions=4, seconds=seconds
    )
    workers = [Worker.on(site), Worker.on(site)]
    for worker in workers:
        await asyncio.to_thread(worker.start)
    db = Database(site.env["DATABASE_URL"])
    floor = Floor(
        site=site,
        setup=setup,
        quiz=quiz,
        workers=workers,
        redis=redis,
        db=db,
        seconds=seconds,
    )
    try:
        async with asyncio.timeout(300):
            return await floor.run()
    finally:
        await floor.close()
        db.close()
        for worker in workers:
            await asyncio.to_thread(worker.stop)


async def run() -> dict:
    agents = int(os.environ.get("FAULTS_AGENTS", "200"))
    seconds = int(os.environ.get("FAULTS_SECONDS", "20"))
    day_s = int(os.environ.get("FAULTS_DAY_S", "6"))
    parts = os.environ.get("FAULTS_PARTS", "quiz,displays").split(",")
    redis = OwnRedis().start()
    environment_for(redis)
    result: dict = {"agents": agents, "seconds_per_question": seconds}
    try:
        if problem := check_services():
            return {**result, "skipped": problem}
        say("preparing the site (migrate, demo, collectstatic)")
        with prepared("production") as site:
            setup = site.populate("agents", count=agents)
            setup["display"] = site.populate("display")
            if "quiz" in parts:
                started = time.monotonic()
                result["quiz"] = await quiz_under_faults(site, setup, redis, seconds)
                result["quiz"]["elapsed_s"] = round(time.monotonic() - started, 1)
            if "displays" in parts:
                started = time.monotonic()
                result["displays"] = await displays.run(site, day_s=day_s)
                result["displays"]["elapsed_s"] = round(time.monotonic() - started, 1)
    finally:
        redis.stop()
    return result


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    raise_open_files()
    started = time.monotonic()
    try:
        result = asyncio.run(run())
    except KeyboardInterrupt:
        say("interrupted: stopping everything the run started")
        raise SystemExit(130) from None
    finally:
        end_all()
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
