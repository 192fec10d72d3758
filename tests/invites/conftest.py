import pytest
from invites_fixtures import build_program


@pytest.fixture
def program(db):
    """The invites test program (see invites_fixtures.build_program)."""
    return build_program(db)
