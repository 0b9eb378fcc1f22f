"""Living inside the LMS's iframe, only for people who came in through an LTI launch.

A session that began with a launch is marked (`SESSION_FLAG`). For those sessions, and for
the launch response itself:

- `LtiCookies` (placed above SessionMiddleware) sends the session and CSRF cookies with
  `SameSite=None; Secure`, which a browser needs to send them inside a third-party iframe;
- `LtiFraming` (placed below the CSP and X-Frame-Options middleware) lets the registered
  platforms, and only them, frame the page: CSP `frame-ancestors` lists their origins and
  X-Frame-Options (which cannot name an origin) is left off.

Everyone else keeps `SameSite=Lax` cookies and `frame-ancestors 'none'`.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError
from lti_tool.models import LtiRegistration

SESSION_FLAG = "lti"


def _is_lti(request) -> bool:
    if getattr(request, "lti_frame", False):
        return True
    session = getattr(request, "session", None)
    try:
        return bool(session is not None and session.get(SESSION_FLAG))
    except DatabaseError:  # the database is down: the friendly 503 goes out as it is
        return False


def platform_origins() -> list[str]:
    origins = set()
    for issuer, auth_url in LtiRegistration.objects.active().values_list("issuer", "auth_url"):
        for url in (issuer, auth_url):
            parts = urlsplit(url)
            if parts.scheme in ("https", "http") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class LtiCookies:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_lti(request):
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response


class LtiFraming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_lti(request):
            origins = platform_origins()
            if origins:
                response.xframe_options_exempt = True
                replace = dict(getattr(response, "_csp_replace", None) or {})
                replace["frame-ancestors"] = origins
                response._csp_replace = replace
        return response
