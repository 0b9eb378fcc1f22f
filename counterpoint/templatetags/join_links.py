"""The join link and its QR code, for the teacher's class page and the projector view."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from counterpoint.lib.qr import qr_svg

register = template.Library()


@register.simple_tag(takes_context=True)
def join_link(context, classroom) -> str:
    """The full address of the class's join link, on the host the teacher is using."""
    return context["request"].build_absolute_uri(classroom.join_link_path)


register.filter("qr_svg", qr_svg)


@register.filter
def url_breaks(url: str) -> SafeString:
    """The address with line-break chances after each "/" and before "?", not mid-word."""
    return mark_safe(escape(url).replace("/", "/<wbr>").replace("?", "<wbr>?"))  # noqa: S308
