"""The benchmark's own arithmetic: reading locust's CSV and pages, counting lost writes."""

from bench import report

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
STATS_CSV = (
    HEADER
    + """
GET,GET poll (304 unchanged),400,0,9,10.5,4,60,0,6.67,0.00,9,10,11,12,14,20,30,40,60,60,60
POST,POST annotation,120,2,55,61.2,30,400,1000,2.00,0.03,55,60,70,75,90,130,200,260,400,400,400
,Aggregated,520,2,12,22.1,4,400,230,8.67,0.03,12,14,20,30,60,95,150,210,400,400,400
"""
)

FAILURES_CSV = """Method,Name,Error,Occurrences
POST,POST annotation,HTTPError('429 Client Error'),2
"""


def test_stats_are_read_per_endpoint_with_percentiles():
    stats = report.parse_stats_csv(STATS_CSV)

    poll, post = stats["endpoints"]
    assert poll == {
        "name": "GET poll (304 unchanged)",
        "method": "GET",
        "requests": 400,
        "failures": 0,
        "rps": 6.67,
        "p50": 9.0,
        "p95": 20.0,
        "p99": 40.0,
    }
    assert (post["failures"], post["p95"], post["p99"]) == (2, 130.0, 260.0)
    assert stats["total"]["requests"] == 520
    assert stats["total"]["rps"] == 8.67


def test_an_endpoint_with_no_times_reads_as_zero_not_an_error():
    text = (
        STATS_CSV.splitlines()[0]
        + "\nGET,GET x,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
    )

    stats = report.parse_stats_csv(text)

    assert stats["endpoints"][0]["p95"] == 0.0
    assert stats["total"]["requests"] == 0


def test_failures_are_read_with_their_counts():
    assert report.parse_failures_csv(FAILURES_CSV) == [
        {
            "method": "POST",
            "name": "POST annotation",
            "error": "HTTPError('429 Client Error')",
            "occurrences": 2,
        }
    ]


def test_the_poll_etag_is_read_from_the_reading_pages_poll_element():
    html = (
        '<div id="annotation-poll" hx-get="/assignments/3/annotations/poll/" hx-trigger="every 5s"'
        ' hx-swap="none" hx-headers=\'{"If-None-Match": "\\u00227\\u002D1\\u002D1040\\u0022"}\'>'
        "</div>"
    )

    assert report.poll_etag(html) == '"7-1-1040"'
    assert report.poll_etag("<p>no poll here</p>") is None


def test_the_cards_shown_in_full_are_those_not_collapsed():
    html = (
        '<li><article class="annotation-card subject-red" id="annotation-4" data-annotation="4">'
        '</article></li><li><article class="annotation-card is-collapsed subject-red"'
        ' id="annotation-5" data-annotation="5"></article></li>'
        '<li><article class="annotation-card subject-multi is-orphaned" id="annotation-9"'
        ' data-annotation="9" data-passage="2"></article></li>'
    )

    assert report.full_card_ids(html) == [4, 9]
    assert report.full_card_ids("<p>no cards</p>") == []


def test_the_acknowledged_id_is_the_card_or_reply_that_carries_the_token():
    html = (
        '<article class="annotation-card" id="annotation-12"><p>older</p>'
        '<span id="annotation-12-by">Sam</span>'
        '<li class="reply" id="annotation-40"><p>bench-abc: I agree</p></li></article>'
        '<article class="annotation-card" id="annotation-13"><p>bench-def: mine</p></article>'
    )

    assert report.acknowledged_id(html, "bench-abc") == 40
    assert report.acknowledged_id(html, "bench-def") == 13
    assert report.acknowledged_id(html, "bench-missing") is None


def test_outline_version_and_id_are_read_from_the_editor_and_the_redirect():
    html = '<input type="hidden" id="outline-version" name="version" value="3">'

    assert report.outline_version(html) == 3
    assert report.outline_id_from("/outlines/57/") == 57
    assert report.outline_id_from("") is None


def test_writes_kept_in_the_database_are_not_lost():
    acknowledged = [
        {"kind": "annotation", "id": 1, "token": "bench-a"},
        {"kind": "reply", "id": 2, "token": "bench-b"},
        {"kind": "thesis", "id": 9, "token": "bench-c"},
        {"kind": "outline", "id": 9, "token": ""},
    ]
    stored = {
        "annotation": {1: "bench-a: note", 2: "bench-b: reply"},
        "outline": {9: "bench-c: thesis"},
    }

    assert report.lost_writes(acknowledged, stored) == []


def test_a_missing_row_or_a_row_without_its_text_is_a_lost_write():
    acknowledged = [
        {"kind": "annotation", "id": 1, "token": "bench-a"},
        {"kind": "annotation", "id": 3, "token": "bench-gone"},
        {"kind": "reply", "id": 2, "token": "bench-b"},
        {"kind": "outline", "id": 8, "token": ""},
    ]
    stored = {"annotation": {1: "bench-a", 2: "someone else's words"}, "outline": {9: ""}}

    lost = report.lost_writes(acknowledged, stored)

    assert [w["id"] for w in lost] == [3, 2, 8]


def test_a_thesis_saved_over_later_is_not_lost_but_the_last_one_must_be_kept():
    acknowledged = [
        {"kind": "thesis", "id": 9, "token": "bench-first"},
        {"kind": "thesis", "id": 9, "token": "bench-again"},
        {"kind": "thesis", "id": 8, "token": "bench-only"},
    ]

    assert report.lost_writes(acknowledged, {"outline": {9: "bench-again", 8: "x"}}) == [
        {"kind": "thesis", "id": 8, "token": "bench-only"}
    ]
    assert report.lost_writes(acknowledged, {"outline": {9: "bench-first", 8: "bench-only"}}) == [
        {"kind": "thesis", "id": 9, "token": "bench-again"}
    ]


def test_a_write_whose_id_was_not_read_is_found_by_its_token():
    acknowledged = [
        {"kind": "annotation", "id": None, "token": "bench-x"},
        {"kind": "reply", "id": None, "token": "bench-y"},
    ]
    stored = {"annotation": {5: "bench-x: kept"}, "outline": {}}

    assert report.lost_writes(acknowledged, stored) == [
        {"kind": "reply", "id": None, "token": "bench-y"}
    ]


def test_page_assets_are_the_stylesheets_and_scripts_once_each():
    html = """<link rel="stylesheet" href="/static/css/app.1.css">
    <link rel="icon" href="/favicon.png">
    <script src="/static/vendor/htmx/htmx.min.2.js" defer></script>
    <script>inline()</script><link rel="stylesheet" href="/static/css/app.1.css">
    <script type="module" src="/static/js/live.3.js"></script>"""

    assert report.page_assets(html) == [
        "/static/css/app.1.css",
        "/static/vendor/htmx/htmx.min.2.js",
        "/static/js/live.3.js",
    ]


def test_page_weight_adds_up_the_compressed_bytes():
    weight = report.page_weight(
        {
            "/a.css": {"raw": 24000, "transfer": 5000, "brotli": 4000, "encoding": "gzip"},
            "/b.js": {"raw": 52000, "transfer": 16500, "brotli": 15000, "encoding": "gzip"},
        }
    )

    assert (weight["raw_kb"], weight["compressed_kb"], weight["brotli_kb"]) == (76.0, 21.5, 19.0)
    assert weight["all_compressed"] is True


def test_an_uncompressed_asset_is_noticed():
    weight = report.page_weight({"/a.js": {"raw": 100, "transfer": 100, "encoding": "identity"}})

    assert weight["all_compressed"] is False


def test_summary_targets_and_closing_line():
    burst = report.parse_stats_csv(STATS_CSV)
    floor = {"total": {"rps": 500.0}}
    capacity = {"total": {"rps": 125.0}}

    summary = report.summarise(
        burst=burst, capacity=capacity, floor=floor, lost=[], weight={"compressed_kb": 40.0}
    )
    met = report.targets(summary, burst)

    assert summary["errors"] == 2
    assert summary["floor_ratio"] == 0.25
    assert summary["worst_endpoint_p95_ms"] == 130.0
    assert met == {
        "zero_errors": False,
        "zero_lost": True,
        "p95_every_endpoint": True,
        "slow_endpoints": [],
        "page_weight": True,
    }
    assert report.closing_line(summary) == (
        "bench: rps=8.7 p95_ms=95 errors=2 lost=0 floor_ratio=0.250"
    )


def test_floor_ratio_without_a_floor_is_zero():
    assert report.floor_ratio(10, 0) == 0.0


def test_cpu_use_per_request_and_share_of_the_machine():
    use = report.cpu_use(
        requests=500,
        seconds=60,
        app_cpu=45.0,
        db_cpu=15.0,
        load_before=0.5,
        cpus=2,
        client_cpu=30.0,
    )

    assert use == {
        "app_ms_per_request": 90.0,
        "db_ms_per_request": 30.0,
        "app_cores": 0.75,
        "db_cores": 0.25,
        "client_cores": 0.5,
        "cpus": 2,
        "load_before": 0.5,
    }
    assert (
        report.cpu_use(requests=0, seconds=0, app_cpu=1, db_cpu=1, load_before=0, cpus=2)[
            "app_ms_per_request"
        ]
        == 0.0
    )
