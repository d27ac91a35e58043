import pytest

from .support import START


@pytest.fixture
def clock(time_machine):
    """The clock frozen at START; move it with `clock.shift(timedelta(...))`."""
    time_machine.move_to(START, tick=False)
    return time_machine
