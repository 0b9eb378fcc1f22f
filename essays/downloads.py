"""One way to hand an outline or an essay draft to the browser as a file, for the pages and
the API alike."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from essays import draft_exports, exports


def download(work, ext: str) -> HttpResponse | None:
    """The file for an outline or a draft in format `ext` (md, docx); None if unknown."""
    module = draft_exports if work.kind == "draft" else exports
    if ext not in module.FORMATS:
        return None
    render, content_type = module.FORMATS[ext]
    response = HttpResponse(render(work), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=module.filename(work, ext)
    )
    return response
