"""One benchmark run at one size: ServiceStar's live path, then the reference.

Every step has its own time limit; a step that fails or runs out of time
ends the run at that size with the reason in ``failures`` and the numbers
measured so far (the others stay null). The processes are always stopped.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass

from bench.pool import AgentPool, PoolFailed, ms, percentile, ratio
from bench.site import DaphneFloor, Reference, Server, Site
from bench.wsclient import Socket

ANSWERED = re.compile(rb"(\d+) of (\d+) answered")
RIGHT_SHARE = 0.6
RAMP_CONCURRENCY = 20
INGEST_SPREAD_S = 0.5


@dataclass
class Limits:
    rounds: int = 20
    ingest_rounds: int = 3
    connect_s: float = 60
    ramp_s: float = 300
    round_s: float = 30
    reveal_s: float = 60
    ingest_s: float = 30
    display_s: float = 60
    scenario_s: float = 1200


class StepFailed(Exception):
    pass


def empty_result(mode: str, workers: int, n: int) -> dict:
    keys = [
        *("connected", "storm_connected", "connect_errors", "connect_retried"),
        *("ramp_s", "ramp_errors", "dropped"),
        *("connect_s", "reference_connect_s"),
        *("connect_ratio", "fanout_rounds", "fanout_p50_ms", "fanout_p99_ms"),
        *(
            "fanout_max_ms",
            "fanout_rounds_ms",
            "fanout_client_p50_ms",
            "reference_fanout_p50_ms",
        ),
        *("reference_fanout_p99_ms", "reference_fanout_max_ms", "fanout_ratio_p99"),
        *("frame_bytes", "reveal_p50_ms", "reveal_max_ms", "ingest_sent"),
        *("ingest_acked", "ingest_refused", "ingest_no_reply", "ingest_ack_p50_ms"),
        *("ingest_ack_p99_ms", "ingest_ack_max_ms", "answers_expected"),
        *("answers_stored", "lost", "duplicates", "display_freshness_ms"),
        *("display_end_panels_ms", "end_final_ms", "rss_before_kb", "rss_after_kb"),
        *("rss_per_client_kb", "reference_rss_per_client_kb", "server_errors"),
        *("daphne_floor_connect_s", "daphne_floor_ratio"),
    ]
    return {"mode": mode, "workers": workers, "n": n, **dict.fromkeys(keys)}


def _ws(server: Server, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def _connected(times: list) -> int:
    return sum(t is not None for t in times)


async def _host_frame(host: Socket, pattern: bytes, since: float, timeout: float):
    """The time of the first frame since ``since`` on a logging socket that
    matches ``pattern``, waiting up to ``timeout``."""
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        for at, frame in host.log[seen:]:
            if at >= since and re.search(pattern, frame):
                return at, frame
        seen = len(host.log)
        left = deadline - time.monotonic()
        if left <= 0:
            return None, None
        host.changed.clear()
        try:
            await asyncio.wait_for(host.changed.wait(), left)
        except TimeoutError:
            return None, None


async def _answered_at_least(display: Socket, count: int, since: float, timeout):
    """When the display first showed ``count`` or more answers since ``since``."""
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        for at, frame in display.log[seen:]:
            shown = [int(m.group(1)) for m in ANSWERED.finditer(frame)]
            if at >= since and shown and max(shown) >= count:
                return at
        seen = len(display.log)
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        display.changed.clear()
        try:
            await asyncio.wait_for(display.changed.wait(), left)
        except TimeoutError:
            return None


async def run_servicestar(
    site: Site, *, workers: int, n: int, pool: AgentPool, limits: Limits, setup: dict
) -> tuple[dict, list[str], dict]:
    """ServiceStar at size n. Returns (result, failures, frame sizes)."""
    result = empty_result(site.mode, workers, n)
    failures: list[str] = []
    sizes = {"frame": None, "hello": None}
    servers: list[Server] = []
    sockets: list[Socket] = []
    step = "set-up"
    try:
        async with asyncio.timeout(limits.scenario_s):
            quiz = await asyncio.to_thread(
                site.populate, "quiz", players=n, questions=limits.rounds
            )
            step = "starting daphne"
            quiz_path = f"/ws/quiz/{quiz['id']}/"
            servers, host, display = await _start(site, workers, quiz_path, setup)
            sockets.extend([host, display])
            result["rss_before_kb"] = sum(s.rss_kb() for s in servers)

            step = "connect storm"
            targets = _targets(setup, n, servers, quiz_path, pool.size)
            _times, sizes["hello"] = await _storm(
                pool, targets, ['data-status="lobby"'], limits, result, failures
            )
            if result["storm_connected"] < n:
                # The failed storm leaves work and dead channels behind: the
                # rest is measured on fresh servers, agents let in gently.
                step = "restart and ramp"
                await pool.call("close", [{}] * pool.size, 30)
                for socket in sockets:
                    await socket.close(timeout=1)
                for server in servers:
                    await asyncio.to_thread(server.stop)
                servers, host, display = await _start(site, workers, quiz_path, setup)
                sockets.extend([host, display])
                result["rss_before_kb"] = sum(s.rss_kb() for s in servers)
                targets = _targets(setup, n, servers, quiz_path, pool.size)
                await _ramp(pool, targets, limits, result, failures)
            await asyncio.sleep(1)
            result["rss_after_kb"] = sum(s.rss_kb() for s in servers)
            result["rss_per_client_kb"] = round(
                (result["rss_after_kb"] - result["rss_before_kb"])
                / result["connected"],
                1,
            )
            dropped: dict[str, int] = {}

            fanout, clients, reveals = [], [], []
            acks, ingest, freshness = [], [], []
            for position in range(limits.rounds):
                step = f"question {position + 1} fan-out"
                watch = await pool.arm(
                    [['data-phase="open"', f'data-position="{position}"']],
                    limits.round_s,
                )
                action = "start" if position == 0 else "next"
                sent_at = await _host_sends(host, action)
                replies = await watch
                arrived = _arrivals(pool, replies, step, dropped, result)
                frame_sizes = [s for s in pool.merged(replies, "sizes") if s]
                if frame_sizes:
                    sizes["frame"] = max(frame_sizes)
                latencies = [t - sent_at for t in arrived]
                fanout.append(max(latencies))
                clients.extend(latencies)
                _fanout_numbers(result, fanout, clients, sizes["frame"])

                if position < limits.ingest_rounds:
                    step = f"question {position + 1} answers"
                    done = await _ingest(
                        pool, display, quiz["answers"][position], position, limits
                    )
                    acks.extend(done["acks"])
                    ingest.append(done)
                    if done["display_at"] is not None:
                        freshness.append(done["display_at"] - done["last_sent"])
                    _ingest_numbers(result, acks, ingest, freshness)

                step = f"question {position + 1} reveal"
                watch = await pool.arm([['class="verdict']], limits.reveal_s)
                sent_at = await _host_sends(host, "reveal")
                arrived = _arrivals(pool, await watch, step, dropped, result)
                reveals.append(max(arrived) - sent_at)
                result["reveal_p50_ms"] = ms(percentile(reveals, 0.5))
                result["reveal_max_ms"] = ms(max(reveals))

            step = "end"
            watch = await pool.arm([['class="me-final"']], limits.reveal_s)
            sent_at = await _host_sends(host, "end")
            arrived = _arrivals(pool, await watch, step, dropped, result)
            if arrived:
                result["end_final_ms"] = ms(max(arrived) - sent_at)
            # With no answers nobody earned points: the board has nothing new.
            if limits.ingest_rounds:
                at, _frame = await _host_frame(
                    display, rb'"type": "panels"', sent_at, limits.display_s
                )
                if at is None:
                    failures.append(
                        f"no panels frame reached the display within "
                        f"{limits.display_s:.0f} s of the quiz ending"
                    )
                else:
                    result["display_end_panels_ms"] = ms(at - sent_at)
            step = "closing"
            await pool.call("close", [{}] * pool.size, 30)
    except TimeoutError:
        failures.append(
            f"{step}: the scenario ran out of its {limits.scenario_s:.0f} s"
        )
    except (StepFailed, PoolFailed) as failed:
        failures.append(str(failed) if step in str(failed) else f"{step}: {failed}")
    except Exception as error:
        failures.append(f"{step}: {type(error).__name__}: {error}"[:300])
    finally:
        for socket in sockets:
            await socket.close(timeout=1)
        try:
            await pool.call("close", [{}] * pool.size, 30)
        except PoolFailed as failed:
            failures.append(f"closing: {failed}")
        for server in servers:
            await asyncio.to_thread(server.stop)
        result["server_errors"] = _server_errors(servers)
    if result["ingest_sent"] is not None:
        await asyncio.to_thread(_count_answers, site, quiz["id"], ingest, result)
    return result, failures, sizes


def _arrivals(pool, replies, step, dropped, result) -> list[float]:
    """The times a frame reached each agent. Agents the server closed on are
    counted (``dropped``) and left out; any that stayed open and saw nothing
    fail the step."""
    missing = 0
    for reply in replies:
        for kind, count in reply["errors"].items():
            if kind == "timeout":
                missing += count
            else:
                dropped[kind] = dropped.get(kind, 0) + count
    result["dropped"] = dropped or 0
    if missing:
        raise StepFailed(f"{step}: {missing} connected agents saw nothing in time")
    arrived = [t for t in pool.merged(replies, "times") if t is not None]
    if not arrived:
        raise StepFailed(f"{step}: no agent left")
    return arrived


async def _start(site, workers, quiz_path, setup):
    """Fresh daphne workers, the host's console (on the first) and the wall
    display (on the last), each with its first frame received."""
    servers = [Server(site).start() for _ in range(workers)]
    try:
        for server in servers:
            await asyncio.to_thread(server.wait_until_healthy)
        host = await Socket.open(
            _ws(servers[0], quiz_path),
            cookie=f"sessionid={setup['host']}; django_language=en",
            origin=servers[0].url,
            log=True,
        )
        display = await Socket.open(
            _ws(servers[-1], f"/ws/display/{setup['display']['id']}/"),
            cookie=f"servicestar_display={setup['display']['token']}",
            origin=servers[-1].url,
            log=True,
        )
        await asyncio.wait_for(asyncio.gather(host.first, display.first), 30)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    await asyncio.sleep(1)
    return servers, host, display


# The server lets a console send 5 messages a second after a burst of 20
# (contests.consumers); a quick run at small N would outpace a human host
# and have its clicks refused, so the host keeps a human pace.
HOST_GAP_S = 0.25
_host_sent_at = [0.0]


async def _host_sends(host: Socket, action: str) -> float:
    """The host's action, sent; its time. A console the server closed ends
    the run: nobody can drive the quiz any more."""
    if not host.alive:
        raise StepFailed(
            f"the server closed the host's console (close code {host.close_code}); "
            "see daphne's log (server_errors)"
        )
    wait = _host_sent_at[0] + HOST_GAP_S - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)
    _host_sent_at[0] = host.send_text(json.dumps({"action": action}))
    return _host_sent_at[0]


def _targets(setup, n, servers, quiz_path, processes) -> list[dict]:
    """Agent i's socket: its session, a language (a third English), and its
    worker, round-robin within each agent process."""
    targets = []
    for i, key in enumerate(setup["agents"][:n]):
        server = servers[(i // processes) % len(servers)]
        language = "en" if i % 3 == 0 else "zh-hans"
        targets.append(
            {
                "url": _ws(server, quiz_path),
                "cookie": f"sessionid={key}; django_language={language}",
                "origin": server.url,
            }
        )
    return targets


async def _storm(pool, targets, first, limits, result, failures):
    """The connect storm: everyone at once, retrying like the page does."""
    start_at = time.monotonic() + 0.5
    replies = await _connect(pool, targets, first, start_at, limits.connect_s)
    times = pool.merged(replies, "times")
    errors = _summed(replies, "errors")
    result["storm_connected"] = result["connected"] = _connected(times)
    result["connect_errors"] = errors or 0
    result["connect_retried"] = sum(reply["retried"] for reply in replies)
    hello = max((s for s in pool.merged(replies, "sizes") if s), default=None)
    if result["connected"] == len(targets):
        result["connect_s"] = round(max(times) - start_at, 3)
    else:
        failures.append(
            f"connect storm: {len(targets) - result['connected']} of {len(targets)} "
            f"not in the lobby after {limits.connect_s:.0f} s: {errors}"
        )
    return times, hello


async def _ramp(pool, targets, limits, result, failures) -> None:
    """Everyone in, RAMP_CONCURRENCY at a time: the rest of the run needs N."""
    start_at = time.monotonic() + 0.2
    replies = await _connect(
        pool,
        targets,
        ['data-status="lobby"'],
        start_at,
        limits.ramp_s,
        concurrency=max(1, RAMP_CONCURRENCY // pool.size),
    )
    times = pool.merged(replies, "times")
    result["connected"] = _connected(times)
    result["ramp_s"] = round(max(filter(None, times), default=start_at) - start_at, 3)
    result["ramp_errors"] = _summed(replies, "errors") or 0
    missing = len(targets) - result["connected"]
    failures.append(
        f"restarted daphne and let the agents in {RAMP_CONCURRENCY} at a time: "
        + (
            f"all {len(targets)} in {result['ramp_s']} s; the rest was measured so"
            if not missing
            else f"{missing} still out after {limits.ramp_s:.0f} s"
        )
    )
    if not result["connected"]:
        raise StepFailed("no agent could connect, even gently")


async def _connect(pool, targets, first, start_at, timeout, **options):
    return await pool.call(
        "connect",
        [
            {
                "targets": share,
                "first": first,
                "start_at": start_at,
                "timeout": timeout,
                **options,
            }
            for share in pool.share(targets)
        ],
        timeout + 30,
    )


def _summed(replies, key) -> dict[str, int]:
    total: dict[str, int] = {}
    for reply in replies:
        for kind, count in reply[key].items():
            total[kind] = total.get(kind, 0) + count
    return total


async def _ingest(pool, display, answer, position, limits) -> dict:
    started = time.monotonic()
    start_at = started + 0.3
    replies = await pool.call(
        "answer",
        [
            {
                "position": position,
                "good": answer["good"],
                "width": answer["width"],
                "right_share": RIGHT_SHARE,
                "start_at": start_at,
                "spread": INGEST_SPREAD_S,
                "timeout": limits.ingest_s,
            }
        ]
        * pool.size,
        limits.ingest_s + 30,
    )
    sent = pool.merged(replies, "sent")
    replied = pool.merged(replies, "times")
    which = pool.merged(replies, "which")
    acks = [r - s for s, r, w in zip(sent, replied, which, strict=True) if w == 0]
    done = {
        "position": position,
        "sent": sum(s is not None for s in sent),
        "acked": sum(w == 0 for w in which),
        "refused": sum(w == 1 for w in which),
        "acks": acks,
        "last_sent": max((s for s in sent if s is not None), default=start_at),
    }
    done["display_at"] = await _answered_at_least(
        display, done["acked"], started, limits.display_s
    )
    return done


def _fanout_numbers(result, fanout, clients, frame_bytes) -> None:
    result["fanout_rounds"] = len(fanout)
    result["fanout_p50_ms"] = ms(percentile(fanout, 0.5))
    result["fanout_p99_ms"] = ms(percentile(fanout, 0.99))
    result["fanout_max_ms"] = ms(max(fanout))
    result["fanout_rounds_ms"] = [ms(seconds) for seconds in fanout]
    result["fanout_client_p50_ms"] = ms(percentile(clients, 0.5))
    result["frame_bytes"] = frame_bytes


def _ingest_numbers(result, acks, ingest, freshness) -> None:
    result["ingest_sent"] = sum(d["sent"] for d in ingest)
    result["ingest_acked"] = sum(d["acked"] for d in ingest)
    result["ingest_refused"] = sum(d["refused"] for d in ingest)
    result["ingest_no_reply"] = (
        result["ingest_sent"] - result["ingest_acked"] - result["ingest_refused"]
    )
    result["ingest_ack_p50_ms"] = ms(percentile(acks, 0.5))
    result["ingest_ack_p99_ms"] = ms(percentile(acks, 0.99))
    result["ingest_ack_max_ms"] = ms(max(acks, default=None))
    result["display_freshness_ms"] = ms(max(freshness, default=None))


def _count_answers(site: Site, quiz_id: int, ingest: list[dict], result: dict) -> None:
    """Every answer sent must be stored exactly once (a database count)."""
    counts = site.populate(
        "count", quiz=quiz_id, positions=[d["position"] for d in ingest]
    )
    stored = duplicates = lost = 0
    for done in ingest:
        found = counts[str(done["position"])]
        stored += found["players"]
        duplicates += found["rows"] - found["players"]
        lost += max(0, done["sent"] - found["players"])
    result["answers_expected"] = sum(d["sent"] for d in ingest)
    result["answers_stored"] = stored
    result["lost"] = lost
    result["duplicates"] = duplicates


def _server_errors(servers: list[Server]) -> int:
    """Tracebacks and errors the servers logged during the run."""
    count = 0
    for server in servers:
        for line in server.log().splitlines():
            if "Traceback" in line or " ERROR " in line:
                count += 1
    return count


async def run_reference(
    *, n: int, pool: AgentPool, limits: Limits, frame_bytes: int, hello_bytes: int
) -> tuple[dict, list[str]]:
    """The same connect storm and fan-out against the raw broadcast server."""
    found = {"connect_s": None, "fanout": [], "rss_per_client_kb": None}
    failures: list[str] = []
    reference = await asyncio.to_thread(Reference, frame_bytes, hello_bytes)
    trigger = None
    try:
        async with asyncio.timeout(limits.scenario_s):
            trigger = await Socket.open(reference.url + "/trigger")
            await asyncio.wait_for(trigger.opened, 10)
            before = reference.rss_kb()
            targets = [{"url": reference.url + "/"}] * n
            partial: dict = {}
            storm_failures: list[str] = []
            times, _hello = await _storm(
                pool, targets, ['data-status="lobby"'], limits, partial, storm_failures
            )
            failures.extend(f"reference {failure}" for failure in storm_failures)
            found["connect_s"] = partial.get("connect_s")
            await asyncio.sleep(1)
            found["rss_per_client_kb"] = round(
                (reference.rss_kb() - before) / partial["connected"], 1
            )
            for round_number in range(limits.rounds):
                watch = await pool.arm(
                    [[f'data-round="{round_number}"']], limits.round_s
                )
                sent_at = trigger.send_text(str(round_number))
                arrived = _arrivals(pool, await watch, "round", {}, {})
                if len(arrived) < _connected(times):
                    raise StepFailed(f"round {round_number}: frames missing")
                found["fanout"].append(max(arrived) - sent_at)
    except TimeoutError:
        failures.append("reference: ran out of time")
    except (StepFailed, PoolFailed) as failed:
        failures.append(f"reference: {failed}")
    finally:
        if trigger is not None:
            await trigger.close(timeout=1)
        try:
            await pool.call("close", [{}] * pool.size, 30)
        except PoolFailed as failed:
            failures.append(f"reference closing: {failed}")
        await asyncio.to_thread(reference.stop)
    return found, failures


def add_reference(result: dict, reference: dict) -> None:
    fanout = reference["fanout"]
    result["reference_connect_s"] = reference["connect_s"]
    result["reference_fanout_p50_ms"] = ms(percentile(fanout, 0.5))
    result["reference_fanout_p99_ms"] = ms(percentile(fanout, 0.99))
    result["reference_fanout_max_ms"] = ms(max(fanout, default=None))
    result["reference_rss_per_client_kb"] = reference["rss_per_client_kb"]
    result["fanout_ratio_p99"] = ratio(
        result["fanout_p99_ms"], result["reference_fanout_p99_ms"]
    )
    result["connect_ratio"] = ratio(result["connect_s"], result["reference_connect_s"])


async def run_daphne_floor(
    *, n: int, pool: AgentPool, limits: Limits, hello_bytes: int
) -> tuple[float | None, list[str]]:
    """The same connect storm against daphne serving bench/daphne_floor.py:
    how long daphne alone takes, with nothing of ServiceStar behind it."""
    failures: list[str] = []
    found: dict = {}
    floor = await asyncio.to_thread(DaphneFloor, hello_bytes)
    try:
        async with asyncio.timeout(limits.scenario_s):
            storm_failures: list[str] = []
            await _storm(
                pool,
                [{"url": floor.url + "/"}] * n,
                ['data-status="lobby"'],
                limits,
                found,
                storm_failures,
            )
            failures.extend(f"daphne floor {failure}" for failure in storm_failures)
    except TimeoutError:
        failures.append("daphne floor: ran out of time")
    except PoolFailed as failed:
        failures.append(f"daphne floor: {failed}")
    finally:
        try:
            await pool.call("close", [{}] * pool.size, 30)
        except PoolFailed as failed:
            failures.append(f"daphne floor closing: {failed}")
        await asyncio.to_thread(floor.stop)
    return found.get("connect_s"), failures
