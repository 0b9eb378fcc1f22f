import pytest

from tests.lti.platform import TestPlatform


@pytest.fixture(scope="session")
def _platform_server():
    platform = TestPlatform()
    yield platform
    platform.stop()


@pytest.fixture
def platform(_platform_server, db):
    """The test LMS, registered with Counterpoint (command line), its records cleared."""
    _platform_server.members = []
    _platform_server.scores = []
    _platform_server.score_answers = []
    _platform_server.register()
    return _platform_server
