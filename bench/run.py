"""``make bench``: ServiceStar's live path against the raw WebSocket limit.

Prints one JSON object per (mode, workers, N) on stdout, progress on stderr,
and a summary table at the end. Settings (environment variables):

- ``BENCH_N``: sizes, default ``100,500,1000,2000``.
- ``BENCH_MODES``: ``embedded`` (one daphne, SQLite, in-memory layer),
  ``production-1`` (PostgreSQL + Redis, one worker), ``production-2`` (two
  workers, agents spread round-robin); ``production`` means both. Default:
  all three.
- ``BENCH_SCENARIOS``: ``live`` (the quiz over WebSockets) and ``pages``
  (bench/pages.py: 10,000 agents, 1,000,000 ledger lines); default both.
- ``BENCH_ROUNDS`` (20), ``BENCH_INGEST_ROUNDS`` (3), ``BENCH_CLIENT_PROCESSES``
  (2), ``BENCH_CONNECT_TIMEOUT`` (60 s), ``BENCH_RAMP_TIMEOUT`` (300 s),
  ``BENCH_ROUND_TIMEOUT`` (30 s), ``BENCH_DAPHNE_ARGS`` (extra daphne options),
  ``BENCH_SCENARIO_TIMEOUT`` (1200 s), ``BENCH_POSTGRES_URL``,
  ``BENCH_REDIS_URL``, ``BENCH_KEEP=1`` keeps the data directories.

docs/performance.md explains every key.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import sys
import time

from bench import pages
from bench.agents import raise_open_files
from bench.pool import AgentPool, ratio
from bench.scenarios import (
    Limits,
    add_reference,
    empty_result,
    run_daphne_floor,
    run_reference,
    run_servicestar,
)
from bench.site import check_services, end_all, prepared

ALL_MODES = ["embedded", "production-1", "production-2"]
DEFAULT_FRAME_BYTES = 2048
SUMMARY = [
    ("mode", "mode"),
    ("workers", "w"),
    ("n", "N"),
    ("connect_s", "connect s"),
    ("reference_connect_s", "ref s"),
    ("daphne_floor_connect_s", "floor s"),
    ("fanout_p50_ms", "fan-out p50"),
    ("fanout_p99_ms", "p99"),
    ("reference_fanout_p99_ms", "ref p99"),
    ("fanout_ratio_p99", "ratio"),
    ("ingest_ack_p50_ms", "ack p50"),
    ("ingest_ack_p99_ms", "ack p99"),
    ("answers_stored", "stored"),
    ("lost", "lost"),
    ("duplicates", "dup"),
    ("display_freshness_ms", "display ms"),
    ("display_end_panels_ms", "panels ms"),
    ("rss_per_client_kb", "KB/client"),
]


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def wanted_modes() -> list[str]:
    modes = []
    for name in os.environ.get("BENCH_MODES", ",".join(ALL_MODES)).split(","):
        name = name.strip()
        chosen = ["production-1", "production-2"] if name == "production" else [name]
        for mode in chosen:
            if mode not in ALL_MODES:
                raise SystemExit(f"BENCH_MODES: unknown mode {mode!r} ({ALL_MODES})")
            if mode not in modes:
                modes.append(mode)
    return modes


def settings() -> tuple[list[int], Limits, int]:
    sizes = [int(n) for n in os.environ.get("BENCH_N", "100,500,1000,2000").split(",")]
    limits = Limits(
        rounds=max(1, int(os.environ.get("BENCH_ROUNDS", "20"))),
        ingest_rounds=int(os.environ.get("BENCH_INGEST_ROUNDS", "3")),
        connect_s=float(os.environ.get("BENCH_CONNECT_TIMEOUT", "60")),
        ramp_s=float(os.environ.get("BENCH_RAMP_TIMEOUT", "300")),
        round_s=float(os.environ.get("BENCH_ROUND_TIMEOUT", "30")),
        scenario_s=float(os.environ.get("BENCH_SCENARIO_TIMEOUT", "1200")),
    )
    limits.ingest_rounds = min(limits.ingest_rounds, limits.rounds)
    processes = int(os.environ.get("BENCH_CLIENT_PROCESSES", "2"))
    return sizes, limits, processes


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "machine": {
            "cores": os.cpu_count(),
            "cpu": model,
            "python": platform.python_version(),
            "kernel": platform.release(),
            "open_files": raise_open_files(),
        }
    }


async def one_size(site, mode, workers, n, limits, processes, setup) -> dict:
    pool = await AgentPool(processes).start()
    try:
        say(f"{mode} × {workers}, N={n}: ServiceStar")
        result, failures, sizes = await run_servicestar(
            site, workers=workers, n=n, pool=pool, limits=limits, setup=setup
        )
        hello = sizes["hello"] or DEFAULT_FRAME_BYTES
        say(f"{mode} × {workers}, N={n}: reference")
        reference, more = await run_reference(
            n=n,
            pool=pool,
            limits=limits,
            frame_bytes=sizes["frame"] or DEFAULT_FRAME_BYTES,
            hello_bytes=hello,
        )
        say(f"{mode} × {workers}, N={n}: daphne floor")
        floor_s, floor_failures = await run_daphne_floor(
            n=n, pool=pool, limits=limits, hello_bytes=hello
        )
    finally:
        await pool.stop()
    add_reference(result, reference)
    result["daphne_floor_connect_s"] = floor_s
    result["daphne_floor_ratio"] = ratio(floor_s, result["reference_connect_s"])
    result["failures"] = failures + more + floor_failures
    # Runs with non-default daphne options or Redis URL are experiments.
    changed = {
        name: os.environ[name]
        for name in ("BENCH_DAPHNE_ARGS", "BENCH_REDIS_URL")
        if os.environ.get(name)
    }
    if changed:
        result["experiment"] = changed
    return result


def wanted_scenarios() -> set[str]:
    chosen = {
        s.strip() for s in os.environ.get("BENCH_SCENARIOS", "live,pages").split(",")
    }
    unknown = chosen - {"live", "pages"}
    if unknown:
        raise SystemExit(f"BENCH_SCENARIOS: unknown {sorted(unknown)} (live, pages)")
    return chosen


def bench_pages() -> list[dict]:
    kinds = []
    for mode in wanted_modes():
        kind = mode.split("-")[0]
        if kind not in kinds:
            kinds.append(kind)
    results = []
    for kind in kinds:
        say(f"pages: {kind}, {pages.AGENTS} agents, {pages.ENTRIES} ledger lines")
        for result in pages.run([kind]):
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    return results


async def bench() -> list[dict]:
    sizes, limits, processes = settings()
    modes = wanted_modes()
    results = []
    for kind in ("embedded", "production"):
        chosen = [m for m in modes if m.split("-")[0] == kind]
        if not chosen:
            continue
        if kind == "production" and (problem := check_services()):
            for mode in chosen:
                skipped = {**empty_result(kind, int(mode[-1]), 0), "skipped": problem}
                print(json.dumps(skipped), flush=True)
            say(f"production skipped: {problem}")
            continue
        say(f"preparing the {kind} site (migrate, demo, collectstatic)")
        with prepared(kind) as site:
            setup = site.populate("agents", count=max(sizes))
            setup["display"] = site.populate("display")
            for mode in chosen:
                workers = int(mode.split("-")[1]) if "-" in mode else 1
                for n in sizes:
                    started = time.monotonic()
                    result = await one_size(
                        site, kind, workers, n, limits, processes, setup
                    )
                    result["elapsed_s"] = round(time.monotonic() - started, 1)
                    print(json.dumps(result, ensure_ascii=False), flush=True)
                    for failure in result["failures"]:
                        say(f"  failed: {failure}")
                    results.append(result)
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| " + " | ".join(label for _key, label in SUMMARY) + " |",
        "|" + "---|" * len(SUMMARY),
    ]
    for result in results:
        cells = [
            "—" if result.get(key) is None else str(result[key]) for key, _l in SUMMARY
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _interrupt(_signal, _frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # ``timeout`` and service managers send SIGTERM: clean up as on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    scenarios = wanted_scenarios()
    print(json.dumps(machine()), flush=True)
    results, page_results = [], []
    try:
        if "live" in scenarios:
            results = asyncio.run(bench())
        if "pages" in scenarios:
            page_results = bench_pages()
    except KeyboardInterrupt:
        say("interrupted: stopping everything the benchmark started")
        raise SystemExit(130) from None
    finally:
        end_all()
    if results:
        print(table(results), file=sys.stderr)
    for result in page_results:
        for name, page in result.get("pages", {}).items():
            say(f"pages {result['mode']}: {name}: {page}")


if __name__ == "__main__":
    main()
