"""Soak: submissions and queries at a steady rate for 20 minutes, and what each service process does with its
memory, its file descriptors and its consumer lag meanwhile.

The four services run from `deploy/local/services.sh` (a work folder, topics and schemas of their own). An
upstream-style producer publishes SUBMISSIONS_PER_S synthetic job descriptions per second while a client asks
the gateway QUERIES_PER_S requests per second (lists, documents, search, stats) over HTTP. Every SAMPLE_EVERY_S
the benchmark reads each instance's resident memory and open descriptors from /proc and the consumer lag its
`/metrics` reports, as Prometheus would. Memory growth is measured from the end of the warm-up (caches filled,
pools opened) to the end; the target is under 10%. After the load stops, the backlog is given DRAIN_S to empty.

Every submission is a new document by default, so the stores grow with the run; with a `pool` it is a new
version of one of that many documents in turn, so the data stays the same size and what still grows is not data.

Run: uv run python tests/performance/bench_soak.py [minutes] [pool]
     ->  bench-results/soak.json and soak.png (memory, descriptors and lag over time); soak_pool_<pool>.* with a pool
Needs KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL (`make bench` starts both).
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import matplotlib
from embedding_bench import REPO_ROOT, load_average, write_result
from local_stack import LocalStack, local_stack, submission, upstream_producer
from prometheus_client.parser import text_string_to_metric_families

from jdi_contracts.events import Topic

matplotlib.use("Agg")  # no display: the plot is a file
from matplotlib import pyplot

MINUTES = 20.0
SUBMISSIONS_PER_S = 2.0
QUERIES_PER_S = 5.0
SAMPLE_EVERY_S = 15.0
WARM_UP_S = 180.0
DRAIN_S = 180.0
RSS_GROWTH_TARGET = 0.10
SEARCHES = ("policy director", "gestionnaire des finances", "data analyst", "security officer")


def resident_mb(pid: int, kind: str = "VmRSS") -> float | None:
    """Resident memory, or one part of it: RssAnon (the heap) or RssFile (mapped files, which the kernel can
    drop and read again: a store that maps its segments shows its growing files here)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    kilobytes = next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{kind}:"))
    return round(kilobytes / 1024, 1)


def open_descriptors(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:
        return None


async def consumer_lag(client: httpx.AsyncClient, stack: LocalStack, instances: list[str]) -> dict[str, float]:
    """Records not yet handled, per consumer group, summed over the instances' `jdi_consumer_lag`."""
    lag: dict[str, float] = {}
    for instance in instances:
        try:
            response = await client.get(f"http://127.0.0.1:{stack.port(instance)}/metrics", timeout=10)
        except httpx.HTTPError:
            continue
        for family in text_string_to_metric_families(response.text):
            if family.name == "jdi_consumer_lag":
                for sample in family.samples:
                    group = sample.labels["group"]
                    lag[group] = lag.get(group, 0.0) + sample.value
    return lag


async def sample_steadily(stack: LocalStack, started: float, stop_at: float, samples: list[dict]) -> None:
    instances = stack.instances()
    async with httpx.AsyncClient() as client:
        while True:
            samples.append(
                {
                    "t_s": round(time.monotonic() - started, 1),
                    "rss_mb": {name: resident_mb(pid) for name, pid in instances.items()},
                    "rss_anon_mb": {name: resident_mb(pid, "RssAnon") for name, pid in instances.items()},
                    "rss_file_mb": {name: resident_mb(pid, "RssFile") for name, pid in instances.items()},
                    "open_fds": {name: open_descriptors(pid) for name, pid in instances.items()},
                    "consumer_lag": await consumer_lag(client, stack, list(instances)),
                }
            )
            if time.monotonic() >= stop_at:
                return
            await asyncio.sleep(SAMPLE_EVERY_S)


async def submit_steadily(stack: LocalStack, stop_at: float, sent: list[str], pool: int) -> None:
    """New documents, or with a `pool`, new versions of that many documents in turn."""
    producer = upstream_producer(stack)
    await producer.start()
    try:
        while time.monotonic() < stop_at:
            count = len(sent)
            event = submission(stack.run, count % pool, revision=count) if pool else submission(stack.run, count)
            await producer.send_and_wait(
                stack.topic(Topic.SUBMITTED), event.to_bytes(), key=(event.subject or "").encode()
            )
            sent.append(event.data.document_id)
            await asyncio.sleep(1 / SUBMISSIONS_PER_S)
    finally:
        await producer.stop()


async def query_steadily(
    stack: LocalStack, stop_at: float, sent: list[str], latencies: list[float], errors: list[str]
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}, timeout=30) as client:
        count = 0
        while time.monotonic() < stop_at:
            kind = count % 4
            if kind == 0:
                path = "/v1/documents?limit=20"
            elif kind == 1:
                path = f"/v1/documents/{sent[count % len(sent)]}" if sent else "/v1/stats"
            elif kind == 2:
                path = f"/v1/search?q={SEARCHES[count % len(SEARCHES)]}"
            else:
                path = "/v1/stats"
            begun = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code >= 500:
                    errors.append(f"{path}: {response.status_code}")
            except httpx.HTTPError as error:
                errors.append(f"{path}: {type(error).__name__}")
            latencies.append(time.perf_counter() - begun)
            count += 1
            await asyncio.sleep(1 / QUERIES_PER_S)


async def soak(stack: LocalStack, seconds: float, pool: int) -> dict:
    started = time.monotonic()
    stop_at = started + seconds
    samples: list[dict] = []
    sent: list[str] = []
    latencies: list[float] = []
    errors: list[str] = []
    await asyncio.gather(
        sample_steadily(stack, started, stop_at, samples),
        submit_steadily(stack, stop_at, sent, pool),
        query_steadily(stack, stop_at, sent, latencies, errors),
    )
    # The load has stopped: the backlog drains, and the last sample shows what remains.
    drain_until = time.monotonic() + DRAIN_S
    async with httpx.AsyncClient() as client:
        while time.monotonic() < drain_until:
            if not any((await consumer_lag(client, stack, list(stack.instances()))).values()):
                break
            await asyncio.sleep(5)
    await sample_steadily(stack, started, 0, samples)
    async with httpx.AsyncClient(base_url=stack.gateway, headers={"X-API-Key": stack.api_key}) as client:
        stats = (await client.get("/v1/stats")).json()
    return {"samples": samples, "submitted": len(sent), "stats": stats, "latencies": latencies, "errors": errors}


def summarise(run: dict) -> dict:
    samples = run["samples"]
    warm = next((sample for sample in samples if sample["t_s"] >= WARM_UP_S), samples[0])
    first, last = samples[0], samples[-1]
    per_instance = {}
    for name in first["rss_mb"]:
        start, after_warm_up, end = first["rss_mb"][name], warm["rss_mb"][name], last["rss_mb"][name]
        growth = (end - after_warm_up) / after_warm_up if start and after_warm_up and end else None
        per_instance[name] = {
            "rss_mb_start": start,
            "rss_mb_after_warm_up": after_warm_up,
            "rss_mb_end": end,
            "rss_growth_after_warm_up": round(growth, 3) if growth is not None else None,
            "within_target": growth is not None and growth < RSS_GROWTH_TARGET,
            "rss_anon_mb_after_warm_up": warm["rss_anon_mb"][name],
            "rss_anon_mb_end": last["rss_anon_mb"][name],
            "rss_file_mb_after_warm_up": warm["rss_file_mb"][name],
            "rss_file_mb_end": last["rss_file_mb"][name],
            "open_fds_start": first["open_fds"][name],
            "open_fds_end": last["open_fds"][name],
            "open_fds_max": max(sample["open_fds"][name] or 0 for sample in samples),
        }
    groups = sorted({group for sample in samples for group in sample["consumer_lag"]})
    latencies = sorted(run["latencies"])
    return {
        "per_instance": per_instance,
        "consumer_lag": {
            group: {
                "max": max(sample["consumer_lag"].get(group, 0) for sample in samples),
                "end_of_load": samples[-2]["consumer_lag"].get(group, 0) if len(samples) > 1 else None,
                "after_drain": last["consumer_lag"].get(group, 0),
            }
            for group in groups
        },
        "submitted": run["submitted"],
        "gateway_stats_at_end": run["stats"],
        "queries": {
            "count": len(latencies),
            "errors": len(run["errors"]),
            "error_examples": run["errors"][:5],
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None,
        },
    }


def plot(samples: list[dict], out: Path) -> None:
    minutes = [sample["t_s"] / 60 for sample in samples]
    figure, (memory, descriptors, lag) = pyplot.subplots(3, 1, figsize=(9, 10), sharex=True)
    for name in samples[0]["rss_mb"]:
        memory.plot(minutes, [sample["rss_mb"][name] for sample in samples], label=name)
        descriptors.plot(minutes, [sample["open_fds"][name] for sample in samples], label=name)
    for group in sorted({group for sample in samples for group in sample["consumer_lag"]}):
        lag.plot(minutes, [sample["consumer_lag"].get(group, 0) for sample in samples], label=group)
    for axes, title in (
        (memory, "resident memory (MB)"),
        (descriptors, "open file descriptors"),
        (lag, "consumer lag (records)"),
    ):
        axes.set_title(title)
        axes.axvline(WARM_UP_S / 60, color="grey", linestyle=":")
        axes.legend(fontsize="small", loc="upper left")
    lag.set_xlabel("minutes")
    figure.tight_layout()
    figure.savefig(out, dpi=80)


def main() -> None:
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else MINUTES
    pool = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    name = f"soak_pool_{pool}" if pool else "soak"
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="jdi-soak-") as folder, local_stack("soak", Path(folder)) as stack:
        run = asyncio.run(soak(stack, minutes * 60, pool))
    png = REPO_ROOT / "bench-results" / f"{name}.png"
    png.parent.mkdir(exist_ok=True)
    plot(run["samples"], png)
    result = {
        "minutes": minutes,
        "documents": f"new versions of {pool} documents in turn" if pool else "every submission a new document",
        "submissions_per_s": SUBMISSIONS_PER_S,
        "queries_per_s": QUERIES_PER_S,
        "warm_up_s": WARM_UP_S,
        "rss_growth_target": RSS_GROWTH_TARGET,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        **summarise(run),
        "plot": str(png.relative_to(REPO_ROOT)),
        "samples": run["samples"],
    }
    command = " ".join(["uv run python tests/performance/bench_soak.py", *sys.argv[1:]])
    print(write_result(name, result, command).read_text()[:4000])


if __name__ == "__main__":
    main()
