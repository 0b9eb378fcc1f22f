"""Comments out of the project's own CSS and JavaScript as they are collected for serving.

The sources keep their "why" comments for the people who read them; the browser does not need
them, and they were a tenth of the reading page's weight on the wire. Only whole-line
comments go (and CSS's /* */ anywhere), so nothing that runs is touched: a line that starts
a comment inside a multi-line template literal stays, and vendored files are left as they
came. `TrimmedStaticFilesStorage` is the production storage (counterpoint.settings);
tests/counterpoint/test_static_trim.py checks that every trimmed script still parses.
"""

import re

from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_BACKTICK = re.compile(r"(?<!\\)`")


def trim_css(text: str) -> str:
    return _CSS_COMMENT.sub("", text)


def trim_js(text: str) -> str:
    """`text` without its whole-line // comments and its /* */ blocks that fill whole lines."""
    kept, in_template, in_block = [], False, False
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        if in_block:
            in_block = not bare.endswith("*/")
            continue
        if not in_template:
            if bare.startswith("//"):
                continue
            if bare.startswith("/*"):
                in_block = not bare.endswith("*/")
                continue
        if len(_BACKTICK.findall(line)) % 2:
            in_template = not in_template
        kept.append(line)
    return "".join(kept)


def trimmed(name: str, data: str) -> str:
    """What is served for the static file `name` (a path under STATIC_ROOT)."""
    if name.startswith("vendor/"):
        return data
    if name.endswith(".js"):
        return trim_js(data)
    if name.endswith(".css"):
        return trim_css(data)
    return data


class TrimmedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (hashed names, gzip and Brotli copies) serving trimmed files."""

    def _save(self, name, content):
        if name.endswith((".js", ".css")) and not name.startswith("vendor/"):
            content.seek(0)
            data = content.read()
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            content = ContentFile(trimmed(name, text).encode("utf-8"))
        return super()._save(name, content)
