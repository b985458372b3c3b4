"""Ctrl-C while `propdesk serve` is still starting (the follower catching up, before the
workers take the signals over) ends it with one line and the shell's status, not a
traceback. The keystroke's timing cannot be arranged in a test: the follower's start
is replaced by one that is interrupted."""

from __future__ import annotations

import sys

import pytest

from api.server import supervisor


def test_ctrl_c_before_the_workers_start_ends_with_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(**_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(supervisor, "start_follower", interrupted)
    argv = ["supervisor", "--host", "127.0.0.1", "--port", "1", "--workers", "2"]
    monkeypatch.setattr(sys, "argv", [*argv, "--log-level", "warning", "--follow"])
    with pytest.raises(SystemExit) as ended:
        supervisor.main()
    assert ended.value.code == supervisor.INTERRUPTED == 130
    said = capsys.readouterr().err
    assert said == "error: stopped before the server started\n"
