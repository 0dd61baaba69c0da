"""The quiz under faults: one fault per question, in the middle of it.

Each question: the host opens it; a quarter of the agents answer in its first
1.5 s ("before"), a quarter at the moment of the fault ("during": some of
these answers are in flight when it hits), a quarter 5-8 s later ("after",
sent once the agent is back if it is not yet), and a quarter around the
deadline (±0.6 s: some in time, some late). The server's clock closes the
question; the host reveals. Then every agent's screen is compared with the
database ("live": from the frames it got), every agent asks for a ``sync``
and is compared again ("after resync"). The last question has no fault: it
shows whether the broadcasts still reach everyone afterwards.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter

from bench.faults.agents import Agent
from bench.faults.services import OwnRedis, Worker, monotonic_of
from bench.pool import percentile
from bench.wsclient import Socket

FAULTS = ["drop", "kill", "redis", None]
DROP_SHARE = 0.2
FAULT_AFTER_S = 3.0
KILLED_FOR_S = 2.0
BACK_WITHIN_S = 10.0
SETTLE_S = 2.0


def say(text: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Floor:
    def __init__(self, *, site, setup, quiz, workers, redis, db, seconds):
        self.site, self.quiz, self.db = site, quiz, db
        self.workers: list[Worker] = workers
        self.redis: OwnRedis = redis
        self.seconds = seconds
        self.host: Socket | None = None
        self.host_cookie = f"sessionid={setup['host']}; django_language=en"
        self.agents = [
            Agent(
                quiz["id"],
                f"bench{number + 1:04d}",
                f"sessionid={key}; django_language=en",
                workers,
                home=number % len(workers),
            )
            for number, key in enumerate(setup["agents"])
        ]
        self.random = random.Random(11)
        self.report: dict = {"faults": {}}

    # The host

    async def host_sends(self, action: str) -> None:
        if self.host is None or not self.host.alive:
            for worker in self.workers:
                try:
                    self.host = await Socket.open(
                        f"{worker.ws}/ws/quiz/{self.quiz['id']}/",
                        cookie=self.host_cookie,
                        origin=worker.url,
                    )
                    await asyncio.wait_for(self.host.first, 10)
                    break
                except Exception:  # noqa: S112 - the next worker, as nginx would
                    continue
        self.host.send_text(json.dumps({"action": action}))

    async def until(self, check, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}: not within {timeout:.0f} s")
            await asyncio.sleep(0.1)

    def quiz_is(self, **wanted) -> bool:
        state = self.db.quiz(self.quiz["id"])
        return all(state[key] == value for key, value in wanted.items())

    # The run

    async def run(self) -> dict:
        say(f"{len(self.agents)} agents connecting")
        started = time.monotonic()
        await asyncio.gather(*(agent.connect() for agent in self.agents))
        self.report["connect_s"] = round(time.monotonic() - started, 2)
        for position, fault in enumerate(FAULTS):
            await self.question(position, fault)
        await self.host_sends("end")
        await self.until(lambda: self.quiz_is(status="finished"), 20, "end")
        await asyncio.sleep(SETTLE_S)
        self.report["end"] = {"mismatches_live": self.mismatches(None)}
        await self.resync(self.report["end"], None)
        self.totals()
        return self.report

    async def question(self, position: int, fault: str | None) -> None:
        say(f"question {position + 1}: fault {fault}")
        await self.host_sends("start" if position == 0 else "next")
        await self.until(
            lambda: self.quiz_is(phase="open", position=position), 20, "open"
        )
        question = self.db.question(self.quiz["id"], position)
        opened = monotonic_of(question["opened_at"])
        deadline = monotonic_of(question["deadline"])
        fault_at = opened + FAULT_AFTER_S
        good = self.quiz["answers"][position]
        plans = [
            asyncio.ensure_future(self.answer_at(agent, position, good, when))
            for agent, when in self.answer_times(opened, fault_at, deadline)
        ]
        await asyncio.sleep(max(0.0, fault_at - time.monotonic()))
        found = await self.fault(fault)
        await asyncio.gather(*plans)
        await self.until(
            lambda: self.db.question(self.quiz["id"], position)["closed_at"],
            15,
            "the clock closing the question",
        )
        # Everyone back, and every answer sent has its reply, or give up.
        await self.wait_settled(BACK_WITHIN_S)
        await self.host_sends("reveal")
        await self.until(lambda: self.quiz_is(phase="revealed"), 20, "reveal")
        await asyncio.sleep(SETTLE_S)
        found["mismatches_live"] = self.mismatches(position)
        await self.resync(found, position)
        found.update(self.reconnect_numbers(found.pop("at", None)))
        self.report["faults"][fault or "none"] = found

    def answer_times(self, opened, fault_at, deadline):
        for number, agent in enumerate(self.agents):
            kind = number % 4
            if kind == 0:
                when = opened + self.random.uniform(0.3, 1.5)
            elif kind == 1:
                when = fault_at + self.random.uniform(-0.1, 0.05)
            elif kind == 2:
                when = fault_at + self.random.uniform(5, 8)
            else:
                when = deadline + self.random.uniform(-0.6, 0.6)
            yield agent, when

    async def answer_at(self, agent: Agent, position: int, good, when: float):
        await asyncio.sleep(max(0.0, when - time.monotonic()))
        width = good["width"]
        choice = good["good"] if self.random.random() < 0.6 else (good["good"] + 1)
        agent.answer(position, str(choice % width))

    async def fault(self, fault: str | None) -> dict:
        at = time.monotonic()
        found: dict = {"at": at}
        if fault == "drop":
            chosen = self.random.sample(
                self.agents, round(DROP_SHARE * len(self.agents))
            )
            for agent in chosen:
                agent.drop()
            found["dropped"] = len(chosen)
        elif fault == "kill":
            victim = self.workers[1]
            found["on_killed_worker"] = sum(
                a.connected and a.socket.url.startswith(victim.ws) for a in self.agents
            )
            victim.kill()
            await asyncio.sleep(KILLED_FOR_S)
            started = time.monotonic()
            await asyncio.to_thread(victim.start)
            found["worker_restart_s"] = round(time.monotonic() - started, 2)
        elif fault == "redis":
            found["redis_down_s"] = round(
                await asyncio.to_thread(self.redis.restart), 2
            )
        return found

    async def wait_settled(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(a.connected and a.in_flight is None for a in self.agents):
                return
            await asyncio.sleep(0.1)

    async def resync(self, found: dict, position: int | None) -> None:
        asked = [agent for agent in self.agents if agent.sync()]
        waits = [asyncio.wait_for(a.snapshot_seen.wait(), 10) for a in asked]
        results = await asyncio.gather(*waits, return_exceptions=True)
        found["resync_no_snapshot"] = len(self.agents) - sum(r is True for r in results)
        found["mismatches_after_resync"] = self.mismatches(position)

    # Checks against the database

    def mismatches(self, position: int | None) -> dict:
        """Agents whose screen differs from the database, by what differs."""
        state = self.db.quiz(self.quiz["id"])
        players = self.db.players(self.quiz["id"])
        answered = {
            a["user"]
            for a in self.db.answers(self.quiz["id"])
            if a["position"] == position
        }
        differ: Counter = Counter()
        agents = 0
        for agent in self.agents:
            wrong = []
            if not agent.connected:
                wrong.append("disconnected")
            if agent.version != state["version"]:
                wrong.append("version")
            if (agent.status, agent.phase) != (state["status"], state["phase"]):
                wrong.append("phase")
            if agent.position != state["position"]:
                wrong.append("position")
            if position is not None and (agent.answered == position) != (
                agent.username in answered
            ):
                wrong.append("answered")
            scored = state["phase"] in ("revealed", "leaderboard")
            if (scored or state["status"] == "finished") and agent.score != players[
                agent.username
            ]["score"]:
                wrong.append("score")
            differ.update(wrong)
            agents += bool(wrong)
        return {"agents": agents, **differ}

    def reconnect_numbers(self, at: float | None) -> dict:
        if at is None:
            return {}
        back = [
            round(b - lost, 3)
            for agent in self.agents
            for lost, b in agent.reconnects
            if lost >= at - 0.5
        ]
        never = sum(
            agent.lost_at is not None and agent.lost_at >= at - 0.5
            for agent in self.agents
        )
        return {
            "reconnected": len(back),
            "reconnect_p50_s": _rounded(percentile(back, 0.5)),
            "reconnect_p95_s": _rounded(percentile(back, 0.95)),
            "reconnect_max_s": max(back, default=None),
            "not_back_within_10_s": sum(s > BACK_WITHIN_S for s in back) + never,
        }

    def totals(self) -> None:
        stored_rows = self.db.answers(self.quiz["id"])
        stored = {(a["user"], a["position"]): a["choice"] for a in stored_rows}
        believed = {
            (agent.username, position): choice
            for agent in self.agents
            for position, choice in agent.accepted.items()
        }
        all_back = [b - lost for agent in self.agents for lost, b in agent.reconnects]
        self.report.update(
            {
                "answers_sent": sum(len(a.sent) for a in self.agents),
                "answers_acknowledged": len(believed),
                "answers_refused": sum(len(a.refused) for a in self.agents),
                "answers_without_reply": sum(
                    a.in_flight is not None for a in self.agents
                ),
                "answers_stored": len(stored_rows),
                "lost": len(believed.keys() - stored.keys()),
                "stored_not_acknowledged": len(stored.keys() - believed.keys()),
                "choice_differs": sum(
                    [int(believed[k])] != stored[k]
                    for k in believed.keys() & stored.keys()
                ),
                "duplicates": len(stored_rows) - len(stored),
                "accepted_late": sum(a["late"] for a in stored_rows),
                "reconnects": len(all_back),
                "reconnect_p50_s": _rounded(percentile(all_back, 0.5)),
                "reconnect_p95_s": _rounded(percentile(all_back, 0.95)),
                "reconnect_max_s": _rounded(max(all_back, default=None)),
                "gap_syncs": sum(a.gap_syncs for a in self.agents),
                "server_errors": sum(w.errors() for w in self.workers),
                "server_error_kinds": dict(
                    sum((w.error_kinds() for w in self.workers), Counter())
                ),
            }
        )

    async def close(self) -> None:
        await asyncio.gather(*(agent.close() for agent in self.agents))
        if self.host is not None:
            await self.host.close(timeout=1)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
