from pathlib import Path

import pytest

AMBER_DIR = Path(__file__).resolve().parents[1]

DATA = AMBER_DIR / "tests" / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA
