"""The CSS and JavaScript served in production: our files without their comments, still
parsing, and the reading page's share of them within its budget."""

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from bench.report import page_assets
from counterpoint.lib.static_trim import trim_css, trim_js, trimmed

STATIC = Path(__file__).resolve().parents[2] / "static"
# The reading page's CSS and JavaScript, gzipped as WhiteNoise serves them (level 9): the
# page is fetched on a phone at the start of every lesson.
READING_PAGE_BUDGET = 40_000


def test_whole_line_comments_go_and_code_stays():
    source = (
        "// a why comment\n"
        "const url = 'http://example.test'; // kept: not a whole line\n"
        "/**\n * A block.\n */\n"
        "const words = `one\n// inside a template literal, kept\ntwo`;\n"
        "  /* one line */\n"
        "export { url, words };\n"
    )

    assert trim_js(source) == (
        "const url = 'http://example.test'; // kept: not a whole line\n"
        "const words = `one\n// inside a template literal, kept\ntwo`;\n"
        "export { url, words };\n"
    )


def test_css_comments_go():
    assert trim_css("a { color: red; } /* why */\n/* more\n lines */b { x: y; }") == (
        "a { color: red; } \nb { x: y; }"
    )


def test_vendored_files_are_served_as_they_came():
    assert trimmed("vendor/htmx/htmx.min.js", "// keep\nx();") == "// keep\nx();"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to parse JavaScript")
@pytest.mark.parametrize("path", sorted(p.name for p in (STATIC / "js").glob("*.js")))
def test_every_trimmed_script_still_parses(path, tmp_path):
    source = (STATIC / "js" / path).read_text(encoding="utf-8")
    module = tmp_path / f"{path[:-3]}.mjs"
    module.write_text(trim_js(source), encoding="utf-8")

    checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)

    assert checked.returncode == 0, checked.stderr
    assert len(trim_js(source)) < len(source)


@pytest.mark.django_db
def test_the_reading_pages_css_and_javascript_stay_within_40_kb_gzipped(
    client, assignment, student
):
    client.force_login(student)
    page = client.get(reverse("comparisons:read", args=[assignment.pk])).content.decode()

    sizes = {}
    for url in page_assets(page):
        name = url.split("/static/", 1)[1]
        if name.endswith((".css", ".js")):
            served = trimmed(name, Path(finders.find(name)).read_text(encoding="utf-8"))
            sizes[name] = len(gzip.compress(served.encode("utf-8"), 9))

    assert {"js/annotator.js", "js/panel.js", "css/app.css"} <= set(sizes)
    assert sum(sizes.values()) <= READING_PAGE_BUDGET, sizes
