import pytest

from tests.stacks import TIERS, render


@pytest.fixture(scope="session")
def committed():
    """The three committed stacks, rendered once for the whole session."""
    return {stack: render(stack) for stack in TIERS}
