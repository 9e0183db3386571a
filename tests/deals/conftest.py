import pytest

from tests.deals.story import build_story


@pytest.fixture
def story(make):
    return build_story(make)


@pytest.fixture
def public_story(make):
    return build_story(make, visibility="public", tag="2")
