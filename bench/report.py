"""The benchmark's arithmetic, as plain functions over plain data (unit-tested in tests/bench/).

Nothing here starts a process or opens a connection: `bench/run.py` collects the numbers
(locust's CSV, the acknowledged writes, the rows in the database, the static files' sizes) and
these functions turn them into the report.
"""

import csv
import io
import json
import re
from html.parser import HTMLParser

# --- locust's statistics -------------------------------------------------------------

PERCENTILES = {"p50": "50%", "p95": "95%", "p99": "99%"}


def _number(value: str) -> float:
    value = (value or "").strip()
    if value in ("", "N/A"):
        return 0.0
    return float(value)


def parse_stats_csv(text: str) -> dict:
    """Locust's `<prefix>_stats.csv` as {"endpoints": [...], "total": {...}}.

    Each endpoint is {name, method, requests, failures, p50, p95, p99, rps}; times in
    milliseconds. The "Aggregated" row becomes "total".
    """
    endpoints, total = [], None
    for row in csv.DictReader(io.StringIO(text)):
        entry = {
            "name": row["Name"],
            "method": row.get("Type", ""),
            "requests": int(_number(row["Request Count"])),
            "failures": int(_number(row["Failure Count"])),
            "rps": round(_number(row["Requests/s"]), 2),
            **{key: _number(row[column]) for key, column in PERCENTILES.items()},
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            endpoints.append(entry)
    return {"endpoints": endpoints, "total": total or empty_total()}


def empty_total() -> dict:
    total = {"name": "Aggregated", "method": "", "requests": 0, "failures": 0, "rps": 0.0}
    return total | {key: 0.0 for key in PERCENTILES}


def parse_failures_csv(text: str) -> list[dict]:
    """Locust's `<prefix>_failures.csv`: [{method, name, error, occurrences}]."""
    return [
        {
            "method": row["Method"],
            "name": row["Name"],
            "error": row["Error"],
            "occurrences": int(_number(row["Occurrences"])),
        }
        for row in csv.DictReader(io.StringIO(text))
    ]


# --- what the virtual users read from pages -------------------------------------------

_POLL_HEADERS = re.compile(r"""id="annotation-poll"[^>]*?hx-headers='([^']*)'""", re.S)
_VERSION = re.compile(r"""id="outline-version"[^>]*?value="(\d+)\"""")
_ANNOTATION_ID = re.compile(r"""id="annotation-(\d+)\"""")
_OUTLINE_URL = re.compile(r"/outlines/(\d+)/")


def poll_etag(html: str) -> str | None:
    """The ETag the reading page's poll element sends as If-None-Match."""
    match = _POLL_HEADERS.search(html)
    if not match:
        return None
    try:
        headers = json.loads(match.group(1))
    except ValueError:
        return None
    return headers.get("If-None-Match")


_FULL_CARD = re.compile(
    r'<article class="annotation-card (?!is-collapsed)[^>]*?data-annotation="(\d+)"'
)


def full_card_ids(html: str) -> list[int]:
    """The cards a page or an update shows in full (not collapsed): what the reading page's
    poll names in its `open` parameter (static/js/live.js)."""
    return [int(pk) for pk in _FULL_CARD.findall(html)]


def outline_version(html: str) -> int | None:
    match = _VERSION.search(html)
    return int(match.group(1)) if match else None


def acknowledged_id(html: str, token: str) -> int | None:
    """The id of the annotation or reply whose body carries `token`: the nearest element
    `id="annotation-N"` before the token (cards and replies open with one)."""
    at = html.find(token)
    if at < 0:
        return None
    ids = _ANNOTATION_ID.findall(html[:at])
    return int(ids[-1]) if ids else None


def outline_id_from(location: str) -> int | None:
    match = _OUTLINE_URL.search(location or "")
    return int(match.group(1)) if match else None


# --- lost writes -----------------------------------------------------------------------


def lost_writes(acknowledged: list[dict], stored: dict[str, dict[int, str]]) -> list[dict]:
    """Writes the server acknowledged that the database does not hold.

    `acknowledged`: [{"kind": "annotation"|"reply"|"outline"|"thesis", "id": int|None,
    "token": str}], as the virtual users recorded them from 2xx/3xx answers.
    `stored`: {"annotation": {id: body}, "outline": {id: thesis}} read from the database
    afterwards (replies are annotations; a thesis lives on its outline).

    A write with an id is kept if that row exists and still carries its token; one whose id
    could not be read from the answer is kept if any row carries its token. A thesis saved
    again later on the same outline (in `acknowledged`'s order) replaces the earlier one, which
    is then not looked for: the builder gives a student who makes the same choices again
    within seconds the outline they just made (essays.services.DOUBLE_SUBMIT_SECONDS), as it
    does when the capacity phase's first builds follow the burst's last ones.
    """
    table = {"annotation": "annotation", "reply": "annotation", "thesis": "outline"}
    last_thesis = {w["id"]: n for n, w in enumerate(acknowledged) if w["kind"] == "thesis"}
    lost = []
    for n, write in enumerate(acknowledged):
        if write["kind"] == "thesis" and last_thesis.get(write["id"]) != n:
            continue  # saved over by a later acknowledged thesis

        rows = stored.get(table.get(write["kind"], write["kind"]), {})
        token = write.get("token") or ""
        if write.get("id") is not None:
            text = rows.get(write["id"])
            kept = text is not None and token in text
        else:
            kept = any(token in text for text in rows.values())
        if not kept:
            lost.append(write)
    return lost


# --- page weight -----------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.found.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.found.append(attrs["src"])


def page_assets(html: str) -> list[str]:
    """The stylesheets and scripts a page loads, in order, each once."""
    parser = _Assets()
    parser.feed(html)
    return list(dict.fromkeys(parser.found))


def page_weight(sizes: dict[str, dict]) -> dict:
    """{url: {"raw": bytes, "transfer": gzipped bytes, "brotli": bytes, "encoding": str}} ->
    totals in KB (1,000 B). `compressed_kb` is gzip's, the figure every browser gets."""
    raw = sum(item["raw"] for item in sizes.values())
    transfer = sum(item["transfer"] for item in sizes.values())
    brotli = sum(item.get("brotli", item["transfer"]) for item in sizes.values())
    return {
        "assets": sizes,
        "raw_kb": round(raw / 1000, 1),
        "compressed_kb": round(transfer / 1000, 1),
        "brotli_kb": round(brotli / 1000, 1),
        "all_compressed": all(item.get("encoding") in ("gzip", "br") for item in sizes.values()),
    }


# --- what the machine spent -------------------------------------------------------------


def cpu_use(*, requests, seconds, app_cpu, db_cpu, load_before, cpus, client_cpu=0.0) -> dict:
    """CPU time per request for the app (gunicorn and its workers) and PostgreSQL (every
    server process on the machine), and the share of the machine each used, with the load
    generator's (locust runs on the same cores, so what it uses the app cannot)."""

    def per_request(cpu):
        return round(cpu * 1000 / requests, 1) if requests else 0.0

    return {
        "app_ms_per_request": per_request(app_cpu),
        "db_ms_per_request": per_request(db_cpu),
        "app_cores": round(app_cpu / seconds, 2) if seconds else 0.0,
        "db_cores": round(db_cpu / seconds, 2) if seconds else 0.0,
        "client_cores": round(client_cpu / seconds, 2) if seconds else 0.0,
        "cpus": cpus,
        "load_before": round(load_before, 2),
    }


# --- the summary -----------------------------------------------------------------------


def floor_ratio(app_rps: float, floor_rps: float) -> float:
    return round(app_rps / floor_rps, 3) if floor_rps else 0.0


def summarise(*, burst: dict, capacity: dict, floor: dict, lost: list, weight: dict) -> dict:
    """The figures the closing line and the targets are judged on."""
    endpoints = burst["endpoints"]
    worst = max((e["p95"] for e in endpoints), default=0.0)
    errors = sum(e["failures"] for e in endpoints)
    return {
        "rps": burst["total"]["rps"],
        "p95_ms": burst["total"]["p95"],
        "worst_endpoint_p95_ms": worst,
        "errors": errors,
        "lost": len(lost),
        "capacity_rps": capacity["total"]["rps"],
        "floor_rps": floor["total"]["rps"],
        "floor_ratio": floor_ratio(capacity["total"]["rps"], floor["total"]["rps"]),
        "page_weight_kb": weight.get("compressed_kb"),
        "reading_page_p95_ms": next(
            (e["p95"] for e in endpoints if e["name"] == "GET reading page"), None
        ),
        # App CPU per request in the burst, and as a multiple of the floor's: the figure that
        # does not depend on how fast (or how shared) the machine is.
        "app_ms_per_request": burst.get("cpu", {}).get("app_ms_per_request"),
        "floor_app_ms_per_request": floor.get("cpu", {}).get("app_ms_per_request"),
        "cpu_ratio": cpu_ratio(
            burst.get("cpu", {}).get("app_ms_per_request"),
            floor.get("cpu", {}).get("app_ms_per_request"),
        ),
    }


def cpu_ratio(app_ms, floor_ms) -> float | None:
    return round(app_ms / floor_ms, 1) if app_ms and floor_ms else None


def targets(summary: dict, burst: dict, *, p95_ms: float = 150, weight_kb: float = 80) -> dict:
    """Each target of the performance issue, met or not."""
    slow = [e["name"] for e in burst["endpoints"] if e["p95"] > p95_ms]
    return {
        "zero_errors": summary["errors"] == 0,
        "zero_lost": summary["lost"] == 0,
        "p95_every_endpoint": not slow,
        "slow_endpoints": slow,
        "page_weight": (summary["page_weight_kb"] or 0) <= weight_kb,
    }


def closing_line(summary: dict) -> str:
    return (
        f"bench: rps={summary['rps']:.1f} p95_ms={summary['p95_ms']:.0f} "
        f"errors={summary['errors']} lost={summary['lost']} "
        f"floor_ratio={summary['floor_ratio']:.3f}"
    )


def reading_page_line(mode: str, students: int, notes: int, summary: dict, weight: dict) -> str:
    """The reading page's figures for the mode's class size, beside the closing line."""
    return (
        f"bench: mode={mode} students={students} notes={notes} "
        f"reading_page_html_kb={weight.get('html_kb')} gzip_kb={weight.get('html_gzip_kb')} "
        f"reading_page_p95_ms={summary.get('reading_page_p95_ms')}"
    )
