"""The class burst: 40 students and their teacher on one assignment, as their browsers would.

Run by `bench/run.py` (`make bench`), which seeds the class and passes the plan:

    BENCH_PLAN=plan.json BENCH_ACKS=acks.json locust -f bench/locustfile.py --headless ...

Each student ticks every 5 seconds, like the reading page's poll: every tick polls
(`If-None-Match` with the ETag it holds, 304 when nothing changed); between polls the student
annotates (2 a minute), replies (2 a minute), reloads the page (once a minute), and once builds
an outline and saves its thesis. That is 4 posts a minute, well under ANNOTATION_RATE_LIMIT
(30), and 160 a minute for the class: every poll finds something new. The teacher ticks every
5 seconds too: the moderation page, a pin or unpin, and a student's outline.

Requests are sent as the page's htmx sends them (`HX-Request`, the CSRF token from the
`csrftoken` cookie in `X-CSRFToken`). Every write the server acknowledges is recorded with the
unique token its text carries, and written to BENCH_ACKS when locust stops, so `bench/run.py`
can compare them with the rows in the database (bench.report.lost_writes).

BENCH_PACE=0 drops the waits (the capacity phase): students then post at most once every
2.5 seconds, still under the limit. `HealthzUser` alone measures the floor.
"""

import itertools
import json
import os
import random
import time
import uuid
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, constant, events, task

from bench.pacing import on_schedule
from bench.report import (
    acknowledged_id,
    full_card_ids,
    outline_id_from,
    outline_version,
    poll_etag,
)

PLAN = json.load(open(os.environ["BENCH_PLAN"])) if os.environ.get("BENCH_PLAN") else None
# BENCH_CLASSES=3 seeds three classes (bench/seed.py --classes): the plan then lists each one,
# and every class gets its 40 students and its teacher, all bursting at once.
CLASSES = (PLAN.get("classes") or [PLAN]) if PLAN else [None]
PACED = os.environ.get("BENCH_PACE", "1") != "0"
TICK = 5.0
MIN_POST_GAP = 2.5  # seconds; 24 posts a minute at most, under the limit of 30

ACKS: list[dict] = []

_student_numbers = itertools.count()
_teacher_numbers = itertools.count()


@events.quitting.add_listener
def _write_acks(environment, **_):
    path = os.environ.get("BENCH_ACKS")
    if path:
        with open(path, "w") as out:
            json.dump(ACKS, out)


def _cookie(name, value, host):
    return Cookie(
        0,
        name,
        value,
        None,
        False,
        host,
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


class Browser(FastHttpUser):
    abstract = True

    def sign_in(self, session_key):
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(_cookie("sessionid", session_key, host))

    def csrf(self):
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def htmx_post(self, url, data, *, name):
        """A post as htmx sends it. A redirect is not an answer htmx expects (it would follow
        it to, say, the sign-in page and show that): it is a failure, never a write."""
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf(), "Referer": self.host + "/"}
        response = self.client.post(
            url, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
        )
        if 300 <= response.status_code < 400:
            response.failure(f"redirected to {response.headers.get('Location')}")
        return response


class Student(Browser):
    # Each class's students online (BENCH_ACTIVE: lecture mode, bench/run.py), every class.
    fixed_count = int(os.environ.get("BENCH_ACTIVE", "40")) * len(CLASSES)
    wait_time = on_schedule(TICK) if PACED else constant(0)

    def on_start(self):
        counter = next(_student_numbers)
        self.plan = CLASSES[counter % len(CLASSES)]  # round-robin: the classes start together
        number = (counter // len(CLASSES)) % len(self.plan["students"])
        self.me = self.plan["students"][number]
        self.assignment = self.plan["assignment"]
        self.rng = random.Random(counter)
        self.tick_number = self.rng.randrange(12)
        self.etag = None
        self.open = []  # the cards this student's panel shows in full
        self.built = False
        self.last_post = 0.0
        self.sign_in(self.me["session"])
        if PACED:
            time.sleep(self.rng.uniform(0, TICK))  # gevent-patched: spreads the class out
        self.next_tick = time.monotonic()  # this student's phase (bench.pacing)
        self.read()
        if PACED:  # the page polls for the first time 5 s after it loaded, not at once
            time.sleep(max(self.next_tick + TICK - time.monotonic(), 0))
            self.next_tick += TICK

    @task
    def tick(self):
        self.tick_number += 1
        self.poll()
        step = self.tick_number % 12
        if step in (1, 7):
            self.annotate()
        elif step in (4, 10):
            self.reply()
        elif step == 5 and not self.built:
            self.build_outline()
        elif step == 11:
            self.read()

    def read(self):
        url = f"/assignments/{self.assignment}/"
        with self.client.get(url, name="GET reading page", catch_response=True) as response:
            etag = poll_etag(response.text or "")
            if response.status_code == 200 and not etag:
                response.failure("no poll ETag on the reading page")
            self.etag = etag or self.etag
            self.open = full_card_ids(response.text or "")

    def poll(self):
        url = f"/assignments/{self.assignment}/annotations/poll/"
        headers = {"HX-Request": "true", "If-None-Match": self.etag or ""}
        # As live.js does: name the cards shown in full, so that they come back in full.
        if self.open:
            url += "?" + urlencode({"open": ",".join(str(pk) for pk in self.open)})
        with self.client.get(url, headers=headers, name="GET poll", catch_response=True) as r:
            if r.status_code == 200:
                self.etag = r.headers.get("ETag") or self.etag
            if r.status_code == 304:
                r.request_meta["name"] = "GET poll (304 unchanged)"
            elif r.status_code == 200 and 'id="annotation-list"' in (r.text or ""):
                r.request_meta["name"] = "GET poll (200 whole list)"
                self.open = full_card_ids(r.text)
            elif r.status_code == 200:
                r.request_meta["name"] = "GET poll (200 changed cards)"
                self.open = list(dict.fromkeys(self.open + full_card_ids(r.text or "")))

    def may_post(self):
        if PACED:
            return True
        if time.monotonic() - self.last_post < MIN_POST_GAP:
            return False
        self.last_post = time.monotonic()
        return True

    def annotate(self):
        if not self.may_post():
            return
        passage = self.rng.choice(self.plan["passages"])
        selection = self.rng.choice(passage["selections"])
        token = f"bench-{uuid.uuid4().hex[:16]}"
        data = {
            "passage": passage["id"],
            **selection,
            "body": f"{token}: the contrast between the two leaders is sharp here.",
            "kind": self.rng.choice(["evidence", "question", "comment"]),
            "visibility": "class",
            "tags": "",
        }
        if self.plan["dimensions"]:
            data["dimension"] = self.rng.choice(self.plan["dimensions"])
        url = f"/assignments/{self.assignment}/annotations/new/"
        with self.htmx_post(url, data, name="POST annotation") as response:
            if response.status_code == 200:
                self.open = list(dict.fromkeys(self.open + full_card_ids(response.text)))
                ACKS.append(
                    {
                        "kind": "annotation",
                        "id": acknowledged_id(response.text, token),
                        "token": token,
                    }
                )

    def reply(self):
        if not self.may_post():
            return
        # In a lecture split into groups, a student replies within what they see (their
        # group's notes and the teacher's); otherwise to any shared note.
        parent = self.rng.choice(self.me.get("reply_to") or self.plan["reply_to"])
        token = f"bench-{uuid.uuid4().hex[:16]}"
        data = {"body": f"{token}: I read this differently."}
        with self.htmx_post(f"/annotations/{parent}/reply/", data, name="POST reply") as response:
            if response.status_code == 200:
                ACKS.append(
                    {"kind": "reply", "id": acknowledged_id(response.text, token), "token": token}
                )

    def build_outline(self):
        self.built = True
        url = f"/assignments/{self.assignment}/builder/"
        self.client.get(url, name="GET builder page")
        data = {
            "dimensions": self.plan["dimensions"][:3],
            "evidence": [f"annotation:{pk}" for pk in self.me["own"][:4]],
            "structure": "point_by_point",
            "stance": "differences",
            "create": "1",
        }
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.host + "/"}
        with self.client.post(
            url,
            data=data,
            headers=headers,
            name="POST builder (create outline)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            outline = outline_id_from(response.headers.get("Location", ""))
            if response.status_code != 302 or outline is None:
                response.failure(f"no outline made ({response.status_code})")
                return
            response.success()
        ACKS.append({"kind": "outline", "id": outline, "token": ""})
        with self.client.get(
            f"/outlines/{outline}/", name="GET outline page", catch_response=True
        ) as response:
            version = outline_version(response.text or "")
        if version is None:
            return
        token = f"bench-{uuid.uuid4().hex[:16]}"
        data = {
            "field": "thesis",
            "value": f"{token}: Khrushchev broke with Stalin's terror.",
            "version": version,
        }
        with self.htmx_post(f"/outlines/{outline}/save/", data, name="POST outline save") as r:
            if r.status_code == 200:
                ACKS.append({"kind": "thesis", "id": outline, "token": token})


class Teacher(Browser):
    fixed_count = len(CLASSES)
    wait_time = on_schedule(TICK) if PACED else constant(0)

    def on_start(self):
        number = next(_teacher_numbers)
        self.plan = CLASSES[number % len(CLASSES)]
        self.sign_in(self.plan["teacher"]["session"])
        self.moderation_url = f"/classes/{self.plan['classroom']}/moderation/"
        self.ticks = 0
        if PACED:
            # Each teacher on a moment of their own, as each student is: started together,
            # several classes' teachers would otherwise open their moderation pages in the
            # same instant every tick, which no staff room does.
            time.sleep(random.Random(f"teacher {number}").uniform(0, TICK))
        self.next_tick = time.monotonic()
        # The moderation page sets the csrftoken cookie the moderation buttons need.
        self.client.get(
            f"/classes/{self.plan['classroom']}/moderation/", name="GET moderation page"
        )

    @task
    def tick(self):
        self.ticks += 1
        self.client.get(
            f"/classes/{self.plan['classroom']}/moderation/", name="GET moderation page"
        )
        target = self.plan["moderate"][self.ticks % len(self.plan["moderate"])]
        action = "pin" if (self.ticks // len(self.plan["moderate"])) % 2 == 0 else "unpin"
        with self.htmx_post(
            f"/annotations/{target}/moderate/",
            {"action": action, "reason": "", "section": "latest"},
            name="POST moderate (pin/unpin)",
        ):
            pass
        outline = self.plan["outlines"][self.ticks % len(self.plan["outlines"])]
        self.client.get(f"/outlines/{outline}/", name="GET outline page (teacher)")


class HealthzUser(FastHttpUser):
    """The floor: the cheapest request that still touches the database."""

    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="GET /healthz")
