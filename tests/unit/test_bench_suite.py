"""`make bench` hands each benchmark the flags of the suite's own options: every flag it
passes must be one the benchmark's command line takes, for every benchmark, quick or not,
with every option given (a benchmark added to the suite without its arguments made the
whole suite stop)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
EVERY_OPTION = [
    "--http-seconds", "1", "--http-runs", "1", "--connections", "2", "--wrk-threads", "1",
    "--command-cases", "1", "--rebuild-events", "1000", "--rebuild-runs", "1",
    "--replay-runs", "1", "--memory-seconds", "1", "--scale-samples", "1",
    "--postgres", "postgresql://bench@127.0.0.1/empty",
]  # fmt: skip


@pytest.fixture(scope="module")
def suite() -> Iterator[ModuleType]:
    """bench/suite.py as its scripts see one another (bench/ on the path); the modules it
    brought in are forgotten afterwards, so no test imports them by accident."""
    before = set(sys.modules)
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("suite")
    finally:
        sys.path.remove(str(BENCH))
        for name in set(sys.modules) - before:
            del sys.modules[name]


@pytest.mark.parametrize("quick", [False, True], ids=["full", "quick"])
def test_every_benchmark_takes_the_arguments_the_suite_passes_it(
    suite: ModuleType, quick: bool
) -> None:
    args = suite.parse([*EVERY_OPTION, *(["--quick"] if quick else [])])
    sizes = suite.QUICK_SIZES if quick else suite.FULL_SIZES
    assert set(suite.PIECES) >= {"http", "webhooks", "warnings", "memory"}
    for name, script in suite.PIECES.items():
        piece = importlib.import_module(script.removesuffix(".py"))
        parser = importlib.import_module("figures").piece_parser(piece.add_arguments, None)
        given = [
            *suite.piece_arguments(name, args, sizes),
            *suite.piece_arguments(
                name, argparse.Namespace(**vars(args), warnings_db=args.postgres), sizes
            ),
        ]
        parsed = parser.parse_args(["--out", "figures.json", *(["--quick"] if quick else []),
                                    *given])  # fmt: skip
        assert parsed.quick is quick, name


def test_the_warnings_run_on_postgresql_only_when_a_database_is_given(
    suite: ModuleType,
) -> None:
    args = suite.parse([])
    assert suite.piece_arguments("warnings", args, suite.FULL_SIZES) == []
    url = "postgresql://bench@127.0.0.1/empty"
    on_postgres = argparse.Namespace(**vars(args), warnings_db=url)
    assert suite.piece_arguments("warnings", on_postgres, suite.FULL_SIZES) == ["--db", url]


def test_the_recorded_command_hides_a_database_password(
    suite: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://bench:s3cret@127.0.0.1/empty"
    monkeypatch.setattr(sys, "argv", [str(BENCH / "suite.py"), "--postgres", url])
    recorded = suite.command_line()
    assert "s3cret" not in recorded
    assert recorded.endswith("--postgres 'postgresql://bench:***@127.0.0.1/empty'")
