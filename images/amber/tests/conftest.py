import sys
from pathlib import Path

import pytest

AMBER_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(AMBER_DIR))  # the package is tested from the source tree, not an install

DATA = AMBER_DIR / "tests" / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA
