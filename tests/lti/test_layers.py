"""lti sits on top: the platform, comparisons, annotations and essays never import it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORTS_LTI = re.compile(r"^\s*(from\s+lti(\.|\s)|import\s+lti\b)", re.MULTILINE)


def test_no_lower_app_imports_lti():
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("counterpoint", "comparisons", "annotations", "essays")
        for path in (ROOT / app).rglob("*.py")
        if IMPORTS_LTI.search(path.read_text())
    ]
    assert offenders == []
