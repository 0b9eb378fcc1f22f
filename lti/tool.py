"""The LTI library, fitted to Counterpoint.

django-lti (`lti_tool`) stores registrations, deployments, contexts, users and keys, and
pylti1p3 does the protocol: OIDC login initiation, id_token validation (signature against
the platform's JWKS, issuer, audience, expiry, nonce, deployment, message claims), service
tokens for NRPS and AGS, and signed Deep Linking responses. The few things changed here:

- a deployment must have been registered (and be active): django-lti would create unknown
  deployments on the fly;
- state lives on the server (the shared cache), keyed by the random state value and bound to
  the nonce issued with it, so a launch still validates when the browser refused the state
  cookie inside the LMS's iframe (the LTI cookie-less guidance); each state and each nonce is
  used once, so a launch cannot be replayed.
"""

from django.core.cache import cache
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException

STATE_LIFETIME = 10 * 60  # seconds from login initiation to launch
NONCE_MEMORY = 24 * 60 * 60  # a used nonce is remembered this long (id_tokens live minutes)


class ToolConfig(DjangoToolConfig):
    """Registrations by issuer and client id; deployments only if registered and active."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        if client_id is None:
            # Some platforms leave client_id out of login initiation: one registration per
            # issuer is then the only unambiguous answer.
            matches = list(LtiRegistration.objects.active().filter(issuer=iss)[:2])
            if len(matches) != 1:
                return None
            self.registration = matches[0]
            return self.registration.to_registration()
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        try:
            self.deployment = LtiDeployment.objects.get(
                registration__issuer=iss,
                registration__client_id=client_id,
                registration__is_active=True,
                deployment_id=deployment_id,
                is_active=True,
            )
        except LtiDeployment.DoesNotExist:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)

    def find_deployment(self, iss, deployment_id):  # pragma: no cover - one-client path unused
        return None


class ServerSideStorage(DjangoCacheDataStorage):
    """Launch data in the shared cache, never behind a per-browser cookie."""

    def get_session_cookie_name(self):
        return None


def _state_key(state):
    return f"lti-state:{state}"


class OIDCLogin(DjangoOIDCLogin):
    """Remembers, on the server, which nonce each state was issued with."""

    def __init__(self, request):
        super().__init__(request, ToolConfig(), launch_data_storage=ServerSideStorage())
        self._issued = {}

    def _generate_nonce(self):
        nonce = super()._generate_nonce()
        self._issued["nonce"] = nonce
        return nonce

    def _get_uuid(self):
        value = super()._get_uuid()
        self._issued.setdefault("state", "state-" + value)
        return value

    def redirect_to_platform(self, launch_url):
        response = self.redirect(launch_url)
        cache.set(_state_key(self._issued["state"]), self._issued["nonce"], STATE_LIFETIME)
        return response


class MessageLaunch(DjangoMessageLaunch):
    """Validates a launch; state and nonce are each good for one launch."""

    def __init__(self, request):
        super().__init__(request, ToolConfig(), launch_data_storage=ServerSideStorage())
        # pylti1p3 skips the audience in jwt.decode and checks it itself against the
        # registration (validate_registration); the expiry and issued-at are checked there.

    def validate_state(self):
        state = self._get_request_param("state")
        if not state:
            raise LtiException("Missing state param")
        if cache.get(_state_key(state)) is None:
            raise LtiException("State not found or already used")
        return self

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce")
        if not nonce:
            raise LtiException('"nonce" is empty')
        state = self._get_request_param("state")
        if cache.get(_state_key(state)) != nonce:
            raise LtiException("Invalid nonce")
        return self

    def validate(self):
        super().validate()
        # Consumed only once everything else held: a used nonce or state never launches again.
        state = self._get_request_param("state")
        nonce = self._get_jwt_body().get("nonce")
        if not cache.add(f"lti-nonce-used:{nonce}", 1, NONCE_MEMORY):
            raise LtiException("Nonce already used")
        cache.delete(_state_key(state))
        return self
