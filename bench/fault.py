"""`make fault-check`: restart PostgreSQL under load and check the app takes it well.

On a database of its own (`counterpoint_fault`, dropped afterwards) and one gunicorn on port
8097, eight simulated students post annotations and replies, load the reading page and poll,
while PostgreSQL is stopped for FAULT_DOWN_SECONDS (4) and started again. Then:

    while the database is down, every failed answer is a 503 with the friendly page (or its
    short htmx/JSON forms), never a 500 or a stack trace, and the server keeps answering;
    within 10 seconds of PostgreSQL accepting connections again, requests succeed, with no
    app restart (CONN_MAX_AGE with conn_health_checks=True);
    every write the app acknowledged (a 302 naming the new annotation) is in the database.

CAREFUL: this restarts the machine's shared PostgreSQL, which cuts every other connection to
it, a test suite running against PostgreSQL included. So it runs only from `make fault-check`,
never from pytest or CI, and it refuses to start while other clients are connected (the
connections it would cut are listed) unless FAULT_CHECK_FORCE=1.

The app server runs with ANNOTATION_RATE_LIMIT=100000: this check is about the database, and
eight users posting as fast as they can would otherwise meet the posting limit.
"""

import os
import subprocess
import sys
import threading
import time
import uuid

from bench.browser import Browser
from bench.stack import PG_PORT, Stack, log, psql_admin, wait_for_postgres

PORT = int(os.environ.get("FAULT_PORT", "8097"))
USERS = 8
DOWN_SECONDS = float(os.environ.get("FAULT_DOWN_SECONDS", "4"))
RECOVERY_LIMIT = 10.0
FRIENDLY = "Back in a moment"


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    return versions[-1]


def pg_ctl(action: str) -> None:
    args = ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", action]
    if action == "stop":
        args += ["-m", "fast"]
    subprocess.run(args, check=True, capture_output=True)


def other_connections(database: str) -> list[str]:
    rows = psql_admin(
        "SELECT coalesce(datname, '-') || ' ' || coalesce(application_name, '') || ' '"
        " || coalesce(client_addr::text, 'local') FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        f" AND coalesce(datname, '') <> '{database}'"
    )
    return [row for row in rows.splitlines() if row.strip()]


class Load:
    """Students working while the database goes away; every answer is recorded."""

    def __init__(self, base: str, plan: dict):
        self.base = base
        self.plan = plan
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[dict] = []  # {t, kind, status, friendly, traceback}
        self.acknowledged: list[dict] = []
        self.threads = [
            threading.Thread(target=self.student, args=(i,), daemon=True) for i in range(USERS)
        ]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def record(self, kind, answer=None, error=None):
        entry = {"t": time.monotonic(), "kind": kind}
        if answer is None:
            entry.update(status=0, error=str(error)[:200])
        else:
            entry.update(
                status=answer.status,
                friendly=FRIENDLY in answer.text or "cannot reach its database" in answer.text,
                traceback="Traceback" in answer.text or "OperationalError" in answer.text,
            )
        with self.lock:
            self.answers.append(entry)

    def student(self, number: int):
        me = self.plan["students"][number % len(self.plan["students"])]
        browser = Browser(timeout=20)
        browser.jar.set_cookie(_cookie("sessionid", me["session"]))
        assignment = self.plan["assignment"]
        browser.get(f"{self.base}/assignments/{assignment}/")  # the csrftoken cookie
        step = 0
        while not self.stop.is_set():
            step += 1
            try:
                if step % 4 == 1:
                    self.annotate(browser, number, step)
                elif step % 4 == 2:
                    self.reply(browser, number, step)
                elif step % 4 == 3:
                    self.record("page", browser.get(f"{self.base}/assignments/{assignment}/"))
                else:
                    self.record(
                        "poll",
                        browser.get(
                            f"{self.base}/assignments/{assignment}/annotations/poll/",
                            headers={"HX-Request": "true"},
                        ),
                    )
            except OSError as error:  # the app server itself did not answer
                self.record("connection", error=error)
            time.sleep(0.1)

    def annotate(self, browser, number, step):
        passages = self.plan["passages"]
        passage = passages[(number + step) % len(passages)]
        token = f"fault-{uuid.uuid4().hex[:12]}"
        data = {
            "passage": passage["id"],
            **passage["selections"][step % len(passage["selections"])],
            "body": f"{token}: written while the database restarts",
            "kind": "comment",
            "visibility": "class",
            "tags": "",
        }
        answer = browser.post(
            f"{self.base}/assignments/{self.plan['assignment']}/annotations/new/", data
        )
        self.record("annotate", answer)
        location = answer.header("Location")
        if answer.status == 302 and "#annotation-" in location:
            pk = int(location.rsplit("#annotation-", 1)[1])
            with self.lock:
                self.acknowledged.append({"kind": "annotation", "id": pk, "token": token})

    def reply(self, browser, number, step):
        parents = self.plan["reply_to"]
        parent = parents[(number * 7 + step) % len(parents)]
        token = f"fault-{uuid.uuid4().hex[:12]}"
        answer = browser.post(
            f"{self.base}/annotations/{parent}/reply/", {"body": f"{token}: reply"}
        )
        self.record("reply", answer)
        if answer.status == 302:  # no id in the answer: found by its token afterwards
            with self.lock:
                self.acknowledged.append({"kind": "reply", "id": None, "token": token})


def _cookie(name, value):
    from http.cookiejar import Cookie

    return Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def main() -> int:
    from bench import report
    from bench.cluster import Checks

    checks = Checks()
    database = os.environ.get("FAULT_DATABASE", "counterpoint_fault")
    if not wait_for_postgres(5):
        log(f"fault-check: PostgreSQL is not accepting connections on port {PG_PORT}")
        return 1
    others = other_connections(database)
    if others and os.environ.get("FAULT_CHECK_FORCE") != "1":
        log("fault-check: refusing to restart PostgreSQL: it would cut these connections:")
        for row in others:
            log(f"  {row}")
        log("Stop them, or set FAULT_CHECK_FORCE=1 to go ahead anyway.")
        return 2
    with Stack("fault", database=database) as stack:
        try:
            plan = stack.prepare(
                "--students", str(USERS), "--annotations", "100", "--outlines", "0", quiet=True
            )
            base = stack.gunicorn(PORT, workers=3, ANNOTATION_RATE_LIMIT=100000)
            load = Load(base, plan)
            load.start()
            time.sleep(3)
            log(f"fault-check: stopping PostgreSQL {pg_version()} for {DOWN_SECONDS:.0f}s")
            down_at = time.monotonic()
            pg_ctl("stop")
            time.sleep(DOWN_SECONDS)
            pg_ctl("start")
            if not wait_for_postgres(30):
                raise RuntimeError("PostgreSQL did not come back")
            up_at = time.monotonic()
            log(f"fault-check: PostgreSQL is back after {up_at - down_at:.1f}s")
            time.sleep(RECOVERY_LIMIT + 2)
            load.finish()
            stored = _stored(stack, plan["assignment"])
        except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
            checks.step("the fault check ran", False, str(error))
            log(stack.tail(f"gunicorn-{PORT}"))
            _ensure_postgres_running()
            return 1
        finally:
            _ensure_postgres_running()

        judge(checks, load, down_at, up_at, stored, report)
    log("fault-check: " + ("PASS" if not checks.failed else f"FAIL ({len(checks.failed)} failed)"))
    return 1 if checks.failed else 0


def judge(checks, load, down_at, up_at, stored, report):
    answers = sorted(load.answers, key=lambda a: a["t"])
    before = [a for a in answers if a["t"] < down_at]
    during = [a for a in answers if down_at <= a["t"] < up_at]
    after = [a for a in answers if a["t"] >= up_at]
    checks.step(
        "requests succeed before the restart",
        bool(before) and all(200 <= a["status"] < 400 for a in before),
        f"{len(before)} answers",
    )
    failed = [a for a in answers if not 200 <= a["status"] < 400]
    checks.step(
        "while the database is down the app answers 503, never a 500",
        bool(failed) and all(a["status"] == 503 for a in failed),
        _statuses(failed) or "no failures seen: was the outage too short?",
    )
    checks.step(
        "the 503 is the friendly page (or its htmx/API form), with no stack trace",
        all(a.get("friendly") and not a.get("traceback") for a in failed),
        f"{sum(1 for a in failed if a.get('friendly'))}/{len(failed)} friendly",
    )
    checks.step(
        "the app server kept answering (no refused or dropped connections)",
        not any(a["status"] == 0 for a in answers),
        f"{sum(1 for a in answers if a['status'] == 0)} without an answer",
    )
    first_ok = next((a for a in after if 200 <= a["status"] < 400), None)
    recovery = (first_ok["t"] - up_at) if first_ok else None
    last_failure = max((a["t"] for a in failed), default=down_at)
    settled = [a for a in after if a["t"] > up_at + RECOVERY_LIMIT]
    checks.step(
        f"it recovers by itself within {RECOVERY_LIMIT:.0f}s of the database being back",
        recovery is not None
        and recovery <= RECOVERY_LIMIT
        and all(200 <= a["status"] < 400 for a in settled)
        and bool(settled),
        f"first success {recovery:.2f}s after; last failure {last_failure - up_at:+.2f}s"
        if recovery is not None
        else "no success after the restart",
    )
    lost = report.lost_writes(load.acknowledged, stored)
    checks.step(
        "no acknowledged write is lost",
        not lost,
        f"{len(load.acknowledged)} acknowledged, {len(lost)} missing",
    )
    during_statuses = _statuses(during)
    log(f"fault-check: {len(answers)} answers; during the outage: {during_statuses or 'none'}")


def _statuses(answers):
    counts = {}
    for a in answers:
        counts[a["status"]] = counts.get(a["status"], 0) + 1
    return ", ".join(f"{n}x {status}" for status, n in sorted(counts.items()))


def _stored(stack, assignment):
    import psycopg

    url = stack.database_url.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, body FROM annotations_annotation WHERE assignment_id = %s", [assignment]
        ).fetchall()
    return {"annotation": dict(rows)}


def _ensure_postgres_running():
    if not wait_for_postgres(1):
        try:
            pg_ctl("start")
        except subprocess.CalledProcessError:
            pass
        wait_for_postgres(30)


if __name__ == "__main__":
    sys.exit(main())
