import pytest

from tests.auth.helpers import english


@pytest.fixture
def client(app):
    """A client that reads the site in English, whatever the user's language."""
    return english(app.test_client())
