import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so that plain `pytest` finds the package
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def example():
    return json.loads((Path(__file__).parent / "data" / "example.json").read_text("utf-8"))
