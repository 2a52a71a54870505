import pytest

from .world import build_world


@pytest.fixture
def world(workspace, product, other_workspace):
    return build_world(workspace, product, other_workspace)
