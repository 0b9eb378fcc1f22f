"""`make bench`: the class burst against PostgreSQL-backed gunicorn, and its report.

1. A database of its own (`counterpoint_bench`, dropped afterwards), migrated, static files
   collected (gzip and Brotli copies, as in production), the class seeded (bench/seed.py).
2. gunicorn with BENCH_WORKERS (default: cores + 1) sync workers on 127.0.0.1:8098, DEBUG off,
   warmed up with a few reads of each page (not measured).
3. Three locust runs (headless, bench/locustfile.py), one after another on the same server:
   - burst: 40 students and their teacher for BENCH_SECONDS (60), paced as in class;
   - capacity: the same users without waits for 15 s, the app's throughput;
   - floor: /healthz without waits for 10 s, the cheapest request that touches the database.
4. The page weight of the reading page's first load (compressed CSS and JS), lost writes
   (acknowledged by the server, missing from the database), and bench/results/latest.json.

Ends with `bench: rps=… p95_ms=… errors=… lost=… floor_ratio=…`, where rps and p95 are the
burst's and floor_ratio is capacity over floor. Exits 0 whatever the figures (it is a
measurement, not a test); BENCH_STRICT=1 exits 1 when a target is missed.
"""

import gzip
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from bench import report
from bench.stack import (
    ROOT,
    VENV_BIN,
    Stack,
    get,
    log,
    postgres_cpu_seconds,
    tree_cpu_seconds,
)

PORT = int(os.environ.get("BENCH_PORT", "8098"))
# One sync worker per core, plus one (as the image runs): the app is CPU-bound, so more only
# take turns on the same cores, and the extra one lets a quick request past two slow ones.
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) + 1)))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
CAPACITY_SECONDS = int(os.environ.get("BENCH_CAPACITY_SECONDS", "15"))
FLOOR_SECONDS = int(os.environ.get("BENCH_FLOOR_SECONDS", "10"))
# Class mode (the default): 40 students, 1,000 notes. Lecture mode: BENCH_STUDENTS=300
# BENCH_NOTES=5000 seeds a lecture-size class; every student is a virtual user unless
# BENCH_ACTIVE says how many are (the rest are enrolled and wrote notes, but are not online).
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "40"))
NOTES = int(os.environ.get("BENCH_NOTES", "1000"))
ACTIVE = int(os.environ.get("BENCH_ACTIVE", str(STUDENTS)))
MODE = "class" if (STUDENTS, NOTES) == (40, 1000) else "lecture"
# Small groups (issue 24): a lecture is split into groups of about 15 unless BENCH_GROUPS says
# otherwise (0: no groups); a class is not split.
GROUPS = int(os.environ.get("BENCH_GROUPS", "15" if MODE == "lecture" else "0"))
# BENCH_CLASSES=3: three such classes, each its own teacher, students, assignment and notes,
# bursting at once against the one server.
CLASSES = max(int(os.environ.get("BENCH_CLASSES", "1")), 1)
USERS = (ACTIVE + 1) * CLASSES  # the students online (fixed_count) and one teacher, per class
# The shared cache (rate-limit counters, rendered cards) in Redis, as in production, under a
# key prefix of this run's own; BENCH_REDIS_URL= (empty) keeps the database table instead.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RESULTS = ROOT / "bench" / "results"


def locust(stack: Stack, base: str, phase: str, seconds: int, classes: list[str], **env) -> dict:
    prefix = stack.dir / phase
    log(f"bench: {phase} for {seconds}s ({', '.join(classes)})")
    gunicorn = stack.pid("gunicorn")
    load_before = os.getloadavg()[0]
    app_before, db_before = tree_cpu_seconds(gunicorn), postgres_cpu_seconds()
    client_before = _children_cpu()
    started = time.monotonic()
    subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BENCH_PLAN": str(stack.dir / "plan.json"),
            "BENCH_ACKS": str(stack.dir / f"acks-{phase}.json"),
            "BENCH_ACTIVE": str(ACTIVE),
            **env,
        },
        stdout=open(stack.dir / f"locust-{phase}.log", "w"),
        stderr=subprocess.STDOUT,
        check=True,
    )
    wall = time.monotonic() - started
    stats = report.parse_stats_csv((stack.dir / f"{phase}_stats.csv").read_text())
    stats["cpu"] = report.cpu_use(
        requests=stats["total"]["requests"],
        seconds=wall,
        app_cpu=tree_cpu_seconds(gunicorn) - app_before,
        db_cpu=postgres_cpu_seconds() - db_before,
        load_before=load_before,
        cpus=os.cpu_count() or 1,
        client_cpu=_children_cpu() - client_before,
    )
    failures_file = stack.dir / f"{phase}_failures.csv"
    stats["failure_details"] = (
        report.parse_failures_csv(failures_file.read_text()) if failures_file.exists() else []
    )
    acks_file = stack.dir / f"acks-{phase}.json"
    stats["acknowledged"] = json.loads(acks_file.read_text()) if acks_file.exists() else []
    return stats


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (locust, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored_rows(stack: Stack, assignments: list[int]) -> dict:
    """{"annotation": {id: body}, "outline": {id: thesis}} for the bench assignments."""
    import psycopg

    with psycopg.connect(stack.database_url.replace("postgres://", "postgresql://")) as conn:
        annotations = dict(
            conn.execute(
                "SELECT id, body FROM annotations_annotation WHERE assignment_id = ANY(%s)",
                [assignments],
            ).fetchall()
        )
        outlines = dict(
            conn.execute(
                "SELECT id, thesis FROM essays_outline WHERE assignment_id = ANY(%s)",
                [assignments],
            ).fetchall()
        )
    return {"annotation": annotations, "outline": outlines}


def warm_up(base: str, plan: dict, workers: int) -> None:
    """Load each page of the mix a few times on every worker before measuring, as a server
    that has been up a while has: a fresh worker's first page compiles its templates and
    fills Django's caches, which once cost a few hundred milliseconds inside the burst's p95.
    Reads only, from several threads at once so that every worker gets some."""
    student, teacher = plan["students"][0], plan["teacher"]
    pages = [
        (student, f"/assignments/{plan['assignment']}/"),
        (student, f"/assignments/{plan['assignment']}/annotations/poll/"),
        (student, f"/assignments/{plan['assignment']}/builder/"),
        (student, f"/outlines/{student['outline']}/"),
        (teacher, f"/classes/{plan['classroom']}/moderation/"),
        (teacher, f"/outlines/{student['outline']}/"),
    ]
    requests = [
        (f"{base}{path}", {"Cookie": f"sessionid={who['session']}", "HX-Request": "true"})
        if path.endswith("/poll/")
        else (f"{base}{path}", {"Cookie": f"sessionid={who['session']}"})
        for who, path in pages
    ] * (2 * workers)
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(lambda request: get(request[0], headers=request[1], timeout=60), requests))


def reading_page_weight(base: str, plan: dict) -> dict:
    """Fetch the reading page as a student's browser would on first load, then each CSS and
    JS file it links, gzipped (and Brotli, and raw), and count the bytes on the wire."""
    cookie = f"sessionid={plan['students'][0]['session']}"
    url = f"{base}/assignments/{plan['assignment']}/"
    status, _, body = get(url, headers={"Cookie": cookie}, timeout=60)
    if status != 200:
        return {"error": f"reading page answered {status}", "compressed_kb": None}
    html = {
        "html_kb": round(len(body) / 1000, 1),
        "html_gzip_kb": round(len(gzip.compress(body, 6)) / 1000, 1),
    }
    sizes = {}
    for url in report.page_assets(body.decode()):
        if not (url.endswith(".css") or url.endswith(".js")):
            continue
        _, headers, gzipped = get(base + url, headers={"Accept-Encoding": "gzip"}, timeout=60)
        _, _, brotli = get(base + url, headers={"Accept-Encoding": "br"}, timeout=60)
        _, _, raw = get(base + url, headers={"Accept-Encoding": "identity"}, timeout=60)
        sizes[url] = {
            "raw": len(raw),
            "transfer": len(gzipped),  # gzip: what every browser accepts
            "brotli": len(brotli),  # what current browsers get
            "encoding": headers.get("Content-Encoding", "identity"),
        }
    return {**report.page_weight(sizes), **html}


def main() -> int:
    started = time.monotonic()
    with Stack("bench", database=os.environ.get("BENCH_DATABASE", "counterpoint_bench")) as stack:
        try:
            plan = stack.prepare(
                "--students",
                str(STUDENTS),
                "--annotations",
                str(NOTES),
                "--outlines",
                str(min(STUDENTS, 40)),
                "--classes",
                str(CLASSES),
                "--groups",
                str(GROUPS),
            )
            prefix = _cache_prefix(stack)  # nothing left from an earlier run
            cache = {"REDIS_URL": REDIS, "CACHE_KEY_PREFIX": prefix} if REDIS else {}
            base = stack.gunicorn(PORT, workers=WORKERS, label="gunicorn", **cache)
            warm_up(base, plan, WORKERS)
            burst = locust(stack, base, "burst", SECONDS, ["Student", "Teacher"])
            weight = reading_page_weight(base, plan)
            capacity = locust(
                stack, base, "capacity", CAPACITY_SECONDS, ["Student", "Teacher"], BENCH_PACE="0"
            )
            floor = locust(stack, base, "floor", FLOOR_SECONDS, ["HealthzUser"])
            acknowledged = burst["acknowledged"] + capacity["acknowledged"]
            assignments = [c["assignment"] for c in plan.get("classes") or [plan]]
            lost = report.lost_writes(acknowledged, stored_rows(stack, assignments))
        except (subprocess.CalledProcessError, RuntimeError) as error:
            log(f"bench: failed: {error}")
            log(stack.tail("gunicorn"))
            return 1
        finally:
            _forget_cache(stack)
        summary = report.summarise(
            burst=burst, capacity=capacity, floor=floor, lost=lost, weight=weight
        )
        met = report.targets(summary, burst)
        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count()},
            "setup": {
                "mode": MODE,
                "active_students": ACTIVE,
                "workers": WORKERS,
                "classes": CLASSES,
                "group_size": GROUPS,
                "cache": "redis" if REDIS else "database",
                "students": len(plan["students"]),
                "seeded": plan["seeded"],
                "burst_seconds": SECONDS,
                "capacity_seconds": CAPACITY_SECONDS,
                "floor_seconds": FLOOR_SECONDS,
                "annotation_rate_limit": 30,
            },
            "summary": summary,
            "targets": met,
            "burst": _without_acks(burst),
            "capacity": _without_acks(capacity),
            "floor": _without_acks(floor),
            "writes": {
                "acknowledged": len(acknowledged),
                "by_kind": _count_kinds(acknowledged),
                "lost": lost,
            },
            "page_weight": weight,
            "elapsed_s": round(time.monotonic() - started, 1),
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / f"latest-{MODE}.json").write_text(json.dumps(result, indent=2) + "\n")
        _print_table(burst, summary, weight)
        log(f"bench: results in {(RESULTS / 'latest.json').relative_to(ROOT)}")
        log(report.closing_line(summary))
        line = report.reading_page_line(MODE, len(plan["students"]), NOTES, summary, weight)
        log(f"{line} groups_of={GROUPS}" if GROUPS else line)
        strict = os.environ.get("BENCH_STRICT") == "1"
        missed = not all(v for k, v in met.items() if k != "slow_endpoints")
        return 1 if strict and missed else 0


def _cache_prefix(stack: Stack) -> str:
    return f"{stack.database}-{stack.dir.name}"


def _forget_cache(stack: Stack) -> None:
    """Delete this run's keys from Redis (its counters and rendered cards), as the database
    is dropped: nothing of a run outlives it."""
    if not REDIS:
        return
    import redis

    try:
        client = redis.Redis.from_url(REDIS)
        keys = list(client.scan_iter(match=f"{_cache_prefix(stack)}*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except redis.RedisError as error:
        log(f"bench: could not delete this run's Redis keys: {error}")


def _without_acks(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k != "acknowledged"}


def _count_kinds(acknowledged: list[dict]) -> dict:
    counts: dict[str, int] = {}
    for write in acknowledged:
        counts[write["kind"]] = counts.get(write["kind"], 0) + 1
    return counts


def _print_table(burst: dict, summary: dict, weight: dict) -> None:
    log(f"{'endpoint':36} {'reqs':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    for e in sorted(burst["endpoints"], key=lambda e: e["name"]):
        log(
            f"{e['name'][:36]:36} {e['requests']:>6} {e['p50']:>6.0f} {e['p95']:>6.0f} "
            f"{e['p99']:>6.0f} {e['failures']:>6}"
        )
    for failure in burst["failure_details"][:10]:
        log(f"  failure: {failure['occurrences']}x {failure['name']}: {failure['error'][:120]}")
    cpu = burst["cpu"]
    log(
        f"burst CPU per request: app {cpu['app_ms_per_request']} ms, PostgreSQL"
        f" {cpu['db_ms_per_request']} ms; app used {cpu['app_cores']} and PostgreSQL"
        f" {cpu['db_cores']} of {cpu['cpus']} cores, locust {cpu['client_cores']}"
        f" (load average {cpu['load_before']} before)"
    )
    log(
        f"app CPU per request: burst {summary['app_ms_per_request']} ms, /healthz floor"
        f" {summary['floor_app_ms_per_request']} ms; ratio {summary['cpu_ratio']}"
    )
    log(
        f"capacity {summary['capacity_rps']:.1f} rps, floor (/healthz) {summary['floor_rps']:.1f}"
        f" rps; reading page CSS+JS {weight.get('compressed_kb')} KB gzipped"
        f" ({weight.get('brotli_kb')} KB Brotli, {weight.get('raw_kb')} KB raw)"
    )


if __name__ == "__main__":
    sys.exit(main())
