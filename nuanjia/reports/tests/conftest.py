import pytest


@pytest.fixture(autouse=True)
def frozen_clock(frozen_clock):
    """The reports' tests run on 2026-03-02 10:00 in Shanghai (the root conftest's clock)."""
    return frozen_clock
