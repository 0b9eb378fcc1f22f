"""How the reading page grows with the class: `python -m bench.reading_scale`.

The table of bench/README.md ("The reading page at 100 to 20,000 notes"), measured again:
a database of its own on the local PostgreSQL (BENCH_DATABASE, default `cp_reading_scale`,
dropped afterwards), the bench's class seeded with 100 notes (bench/seed.py), then the same
assignment grown step by step to 1,000, 5,000 and 20,000 (BENCH_SCALE_STEPS) with notes made
as the seed makes them. At each size, a student's requests are timed in-process with Django's
test client (the whole middleware stack, DEBUG off, no network), each the median of 7 after a
warm-up:

- the reading page: server time, HTML bytes, gzipped bytes, queries;
- the whole-list poll (no ETag held): time and bytes;
- the idle poll (the ETag the page gave): status and queries;
- the panel's next page and the anchor list (annotations/panel.py): time and bytes.

Prints a Markdown table and writes bench/results/reading_scale.json. A measurement, not a
test: it exits 0 whatever the figures.
"""

import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.stack import ROOT, VENV_BIN, Stack, log

STEPS = [int(n) for n in os.environ.get("BENCH_SCALE_STEPS", "100,1000,5000,20000").split(",")]
RUNS = 7
RESULTS = ROOT / "bench" / "results"


def grow(plan: dict, to: int, rng: random.Random) -> None:
    """Add notes to the bench assignment until it has `to`, as bench/seed.py makes them:
    spread over the paragraphs, 1 or 2 subjects, a tag on every fourth, one in ten not shared,
    a reply to every tenth shared one."""
    from annotations.models import Annotation, Tag
    from comparisons.models import Dimension, Subject
    from counterpoint.models import User

    have = Annotation.objects.filter(assignment_id=plan["assignment"], parent=None).count()
    if have >= to:
        return
    people = list(User.objects.filter(pk__in=[s["id"] for s in plan["students"]]))
    subjects = list(Subject.objects.filter(comparison_id=plan["comparison"]))
    dimensions = list(Dimension.objects.filter(comparison_id=plan["comparison"]))
    passages = plan["passages"]
    rows = []
    for i in range(have, to):
        passage = passages[i % len(passages)]
        rows.append(
            Annotation(
                assignment_id=plan["assignment"],
                passage_id=passage["id"],
                author=people[i % len(people)],
                body=f"Seeded note {i}: what this shows about the two leaders.",
                kind=rng.choice(["evidence", "evidence", "question", "comment"]),
                dimension=rng.choice(dimensions + [None]),
                visibility="class" if i % 10 else rng.choice(["private", "teacher"]),
                **rng.choice(passage["selections"]),
            )
        )
    made = Annotation.objects.bulk_create(rows, batch_size=2000)
    Annotation.subjects.through.objects.bulk_create(
        [
            Annotation.subjects.through(annotation_id=a.pk, subject_id=s.pk)
            for a in made
            for s in rng.sample(subjects, rng.choice([1, 1, 1, 2]))
        ],
        batch_size=5000,
    )
    Tag.objects.bulk_create(
        [
            Tag(annotation=a, name=rng.choice(["terror", "thaw", "cult", "reform"]))
            for a in made[::4]
        ]
    )
    shared = [a for a in made if a.visibility == "class"]
    Annotation.objects.bulk_create(
        [
            Annotation(
                assignment_id=plan["assignment"],
                passage_id=a.passage_id,
                author=people[(j + 7) % len(people)],
                parent=a,
                body=f"Seeded reply {j}: I read this differently.",
                kind="comment",
                visibility="class",
            )
            for j, a in enumerate(shared[::10])
        ]
    )


# The app's own CPU time per request, beside the wall-clock time: on a shared machine the
# wall clock also counts waiting for a core, which the CPU time does not.
CPU = {}
DB = {}


class _QueryClock:
    """Adds up the time spent in the database (execute_wrapper) during one request."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def timed(client, url, **headers):
    """(median milliseconds of RUNS, the last response) after one warm-up request; the
    median CPU milliseconds of this process go in CPU[url]."""
    from django.db import connection

    client.get(url, headers=headers)
    times, cpu, db, response = [], [], [], None
    for _ in range(RUNS):
        clock = _QueryClock()
        started, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(clock):
            response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        db.append(clock.ms)
    CPU[url] = round(statistics.median(cpu), 1)
    DB[url] = round(statistics.median(db), 1)
    return round(statistics.median(times), 1), response


def queries(client, url, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response.status_code, len(captured)


def measure_step(client, plan: dict) -> dict:
    read = f"/assignments/{plan['assignment']}/"
    poll = f"/assignments/{plan['assignment']}/annotations/poll/"
    anchors = f"/assignments/{plan['assignment']}/annotations/anchors/"
    page_ms, page = timed(client, read)
    html = page.content
    _, page_queries = queries(client, read)
    etag = re.search(rb'If-None-Match": "([^"]+)"', html).group(1).decode()
    etag = json.loads(f'"{etag}"')  # the template escapes it for JavaScript
    poll_ms, whole = timed(client, poll, HX_Request="true")
    idle_status, idle_queries = queries(client, poll, HX_Request="true", If_None_Match=etag)
    anchors_ms, anchor_list = timed(client, anchors)
    more = re.search(rb'<li class="load-more" data-order="~"><form[^>]*data-page="([^"]+)"', html)
    next_ms, next_page = (
        timed(client, more.group(1).decode().replace("&amp;", "&"), HX_Request="true")
        if more
        else (None, None)
    )
    return {
        "page_ms": page_ms,
        "page_cpu_ms": CPU[read],
        "page_db_ms": DB[read],
        "whole_poll_cpu_ms": CPU[poll],
        "page_bytes": len(html),
        "page_gzip_bytes": len(gzip.compress(html, 6)),
        "page_queries": page_queries,
        "whole_poll_ms": poll_ms,
        "whole_poll_bytes": len(whole.content),
        "idle_poll_status": idle_status,
        "idle_poll_queries": idle_queries,
        "anchors_ms": anchors_ms,
        "anchors_bytes": len(anchor_list.content),
        "anchors_gzip_bytes": len(gzip.compress(anchor_list.content, 6)),
        "next_page_ms": next_ms,
        "next_page_bytes": len(next_page.content) if next_page else None,
    }


def measure(out: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.seed import seed
    from counterpoint.models import User

    plan = seed(students=40, annotations=min(STEPS), outlines=0)
    rng = random.Random(24)
    student = User.objects.get(pk=plan["students"][0]["id"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(student)
    rows = []
    for notes in STEPS:
        grow(plan, notes, rng)
        with connection.cursor() as cursor:  # planner statistics, as a live database has
            cursor.execute("ANALYZE")
        row = {"notes": notes, **measure_step(client, plan)}
        log(json.dumps(row))
        rows.append(row)
    with open(out, "w") as f:
        json.dump(rows, f)


def kb(n):
    return f"{n / 1000:,.0f} KB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"


def table(rows: list[dict]) -> str:
    lines = [
        "| notes | page server time (app CPU) | page HTML | gzipped | whole-list poll "
        "| idle poll | next page | anchor list (gzipped) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        following = (
            f"{r['next_page_ms']:.0f} ms, {kb(r['next_page_bytes'])}"
            if r["next_page_ms"]
            else "none"
        )
        lines.append(
            f"| {r['notes']:,} | {r['page_ms']:.0f} ms ({r['page_cpu_ms']:.0f} ms) "
            f"| {kb(r['page_bytes'])} "
            f"| {kb(r['page_gzip_bytes'])} | {r['whole_poll_ms']:.0f} ms, "
            f"{kb(r['whole_poll_bytes'])} | {r['idle_poll_status']}, {r['idle_poll_queries']} "
            f"queries | {following} | {r['anchors_ms']:.0f} ms, {kb(r['anchors_bytes'])} "
            f"({kb(r['anchors_gzip_bytes'])}) |"
        )
    return "\n".join(lines)


def main() -> int:
    with Stack(
        "reading-scale", database=os.environ.get("BENCH_DATABASE", "cp_reading_scale")
    ) as stack:
        stack.create_database()
        stack.migrate()
        stack.collectstatic()  # DEBUG off: pages link the hashed names
        out = stack.dir / "rows.json"
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bench.reading_scale", "--measure", str(out)],
            cwd=ROOT,
            env=stack.env(),
            check=True,
        )
        rows = json.loads(out.read_text())
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reading_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    log(table(rows))
    first = {r["notes"]: r for r in rows}
    if 1000 in first and 5000 in first:
        wall = first[5000]["page_ms"] / first[1000]["page_ms"]
        cpu = first[5000]["page_cpu_ms"] / first[1000]["page_cpu_ms"]
        log(f"page at 5,000 notes / at 1,000: {wall:.2f} (server time), {cpu:.2f} (app CPU)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
