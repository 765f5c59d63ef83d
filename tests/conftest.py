"""Shared fixtures for the package's own tests."""

from __future__ import annotations

import os
import random

import pytest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    return f"learn proof seed: {PROOF_SEED} (set LEARN_TEST_SEED to replay)"


PROOF_SEED = int(os.environ.get("LEARN_TEST_SEED") or random.SystemRandom().randrange(1, 2**31 - 1))


@pytest.fixture
def learn_home(tmp_path, monkeypatch):
    """An empty LEARN_HOME so tests never touch the real progress store."""
    home = tmp_path / "learn-home"
    monkeypatch.setenv("LEARN_HOME", str(home))
    return home
