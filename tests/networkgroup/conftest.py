import pytest


@pytest.fixture(autouse=True)
def _live_threads_closed():
    """The sockets' database threads keep their connections (networkgroup.live.db): close
    them after each test, or the test database cannot be dropped at the end of the run."""
    yield
    from networkgroup.live import db

    db.shutdown()
