"""A pretend LMS for the tests: its own RSA key, a JWKS, a token endpoint, a membership
(NRPS) endpoint and line items that record score posts, served over real HTTP from
127.0.0.1; it signs id_tokens for launches and Deep Linking requests the way a platform does.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


class TestPlatform:
    __test__ = False  # not a test class

    def __init__(self, host="127.0.0.1"):
        self.key = JWK.generate(kty="RSA", size=2048, kid="platform-key-1")
        self.private_pem = self.key.export_to_pem(private_key=True, password=None)
        self.members = []
        self.scores = []  # (path, body) of every score post
        self.score_answers = []  # statuses to answer score posts with, in order; then 200
        self.token_requests = 0
        self.registrations = []  # (Authorization header, body) of Dynamic Registration posts
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://{host}:{self.server.server_port}"
        self.issuer = self.base
        self.client_id = "counterpoint-client"
        self.deployment_id = "deployment-1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- what an administrator pastes into Counterpoint --------------------------------

    def register(self):
        from django.core.management import call_command

        call_command(
            "lti_platform",
            "add",
            "--issuer", self.issuer,
            "--client-id", self.client_id,
            "--deployment-id", self.deployment_id,
            "--auth-login-url", f"{self.base}/auth",
            "--auth-token-url", f"{self.base}/token",
            "--keyset-url", f"{self.base}/jwks",
        )  # fmt: skip

    # --- HTTP ---------------------------------------------------------------------------

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _html(self, text):
                data = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/jwks":
                    public = json.loads(platform.key.export_public())
                    public.update(alg="RS256", use="sig")
                    return self._json(200, {"keys": [public]})
                if path == "/.well-known/openid-configuration":
                    return self._json(
                        200,
                        {
                            "issuer": platform.issuer,
                            "authorization_endpoint": f"{platform.base}/auth",
                            "token_endpoint": f"{platform.base}/token",
                            "jwks_uri": f"{platform.base}/jwks",
                            "registration_endpoint": f"{platform.base}/register",
                            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                                "product_family_code": "test-lms"
                            },
                        },
                    )
                if path == "/course":
                    return self._html(platform.course_page())
                if path == "/auth":
                    return self._html(platform.auth_answer(parse_qs(urlsplit(self.path).query)))
                if path.startswith("/nrps/"):
                    return self._json(
                        200,
                        {
                            "id": platform.base + path,
                            "context": {"id": path.rsplit("/", 1)[-1]},
                            "members": platform.members,
                        },
                    )
                return self._json(404, {})

            def do_POST(self):
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if path == "/token":
                    platform.token_requests += 1
                    form = parse_qs(raw)
                    assert form["grant_type"] == ["client_credentials"]
                    return self._json(
                        200, {"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600}
                    )
                if path == "/register":
                    platform.registrations.append(
                        (self.headers.get("Authorization"), json.loads(raw))
                    )
                    return self._json(
                        200,
                        {
                            "client_id": "dynamic-client",
                            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                                "deployment_id": "dynamic-deployment"
                            },
                        },
                    )
                if path.endswith("/scores"):
                    status = platform.score_answers.pop(0) if platform.score_answers else 200
                    if status == 200:
                        platform.scores.append((path, json.loads(raw)))
                    return self._json(status, {})
                return self._json(404, {})

        return Handler

    # --- signing what a platform signs ------------------------------------------------

    def sign(self, claims, *, key_pem=None, kid="platform-key-1"):
        return jwt.encode(
            claims, key_pem or self.private_pem, algorithm="RS256", headers={"kid": kid}
        )

    def claims(self, nonce, *, sub="lms-user-1", roles=("Learner",), context="course-1",
               resource_link="link-1", custom=None, **extra):  # fmt: skip
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": f"Person {sub}",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": "http://testserver/lti/launch/",
            LTI + "roles": [r if r.startswith("http") else ROLE + r for r in roles],
            LTI + "context": {"id": context, "title": "History 10B", "label": "HIST10B"},
            LTI + "resource_link": {"id": resource_link, "title": "Khrushchev and Stalin"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.base}/nrps/{context}",
                "service_versions": ["2.0"],
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": f"{self.base}/lineitems",
                "lineitem": f"{self.base}/lineitems/{resource_link}",
            },
        }
        if custom:
            body[LTI + "custom"] = custom
        body.update(extra)
        return body

    def deep_link_claims(self, nonce, roles=("Instructor",), **kwargs):
        body = self.claims(nonce, roles=roles, **kwargs)
        body[LTI + "message_type"] = "LtiDeepLinkingRequest"
        del body[LTI + "resource_link"]
        body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": f"{self.base}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
        }
        return body

    # --- a real browser: the LMS's course page frames Counterpoint ----------------------

    tool_url = ""  # Counterpoint's base URL, for the course page's iframe
    browser_launch = {}  # claims() keyword arguments for the next browser launch

    def course_page(self):
        from urllib.parse import urlencode

        query = urlencode(
            {
                "iss": self.issuer,
                "login_hint": "hint-1",
                "target_link_uri": f"{self.tool_url}/lti/launch/",
                "client_id": self.client_id,
                "lti_deployment_id": self.deployment_id,
            }
        )
        return (
            '<!doctype html><link rel="icon" href="data:,"><title>Test LMS course</title>'
            "<h1>History 10B</h1>"
            f'<iframe id="tool" title="Counterpoint" width="1200" height="800" '
            f'src="{self.tool_url}/lti/login/?{query}"></iframe>'
        )

    def auth_answer(self, query):
        """The platform's OIDC authorization answer: a self-posting form with the id_token."""
        claims = self.claims(query["nonce"][0], **self.browser_launch)
        claims[LTI + "target_link_uri"] = query["redirect_uri"][0]
        assert query["client_id"] == [self.client_id]
        token = self.sign(claims)
        return (
            '<!doctype html><link rel="icon" href="data:,"><title>Signing in</title>'
            f'<form id="f" method="post" action="{query["redirect_uri"][0]}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{query["state"][0]}"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )

    # --- the browser's part, for Django's test client ---------------------------------

    def login(self, client, **params):
        query = {
            "iss": self.issuer,
            "login_hint": "hint-1",
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            **params,
        }
        return client.post("/lti/login/", query)

    def launch(self, client, *, edit=None, sign=None, **claim_kwargs):
        """Login initiation, then the signed id_token posted to the launch URL.
        `edit(claims)` may change the claims; `sign(claims)` may sign them differently."""
        response = self.login(client)
        assert response.status_code == 302, response.content
        redirect = parse_qs(urlsplit(response["Location"]).query)
        kind = claim_kwargs.pop("kind", "resource")
        make = self.deep_link_claims if kind == "deep_link" else self.claims
        claims = make(redirect["nonce"][0], **claim_kwargs)
        if edit:
            edit(claims)
        token = (sign or self.sign)(claims)
        self.last_post = {"id_token": token, "state": redirect["state"][0]}
        return client.post("/lti/launch/", self.last_post)

    def member(self, sub, roles=("Learner",), status="Active", **extra):
        return {
            "user_id": sub,
            "status": status,
            "name": f"Person {sub}",
            "roles": [ROLE + r for r in roles],
            **extra,
        }


def new_nonce():
    return uuid.uuid4().hex
