"""A tiny cookie-keeping HTTP client on urllib (nothing to install) for the scripted checks.

Redirects are not followed, so a check sees the 302 and its Location. One cookie jar serves
every server on 127.0.0.1 whatever the port, as a browser's would: a session made on one app
server is sent to the other and to the balancer.
"""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default


class Browser:
    def __init__(self, timeout: float = 15):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.timeout = timeout

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, method: str, url: str, data=None, headers=None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = dict(headers or {})
        if method == "POST":
            headers.setdefault("X-CSRFToken", self.cookie("csrftoken"))
            headers.setdefault("Referer", url)
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), _text(response.read()))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), _text(error.read()))

    def get(self, url: str, headers=None) -> Answer:
        return self.request("GET", url, headers=headers)

    def post(self, url: str, data: dict, headers=None) -> Answer:
        return self.request("POST", url, data=data, headers=headers)

    def log_in(self, base: str, email: str, password: str) -> Answer:
        self.get(f"{base}/accounts/login/")  # sets the csrftoken cookie
        return self.post(
            f"{base}/accounts/login/",
            {
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
            },
        )


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
