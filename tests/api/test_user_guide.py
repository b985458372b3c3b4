"""docs/http.md's guide works as written: its `sh` blocks, in order, in one shell, against a
real `propdesk serve` (started by the guide's own first block) on a fresh database."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from support.processes import free_port

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "http.md"
# curl fails on an error answer, unless the guide asks for the status (-w) or already asks
# it to fail (-sf).
PRELUDE = """set -euo pipefail
curl() {
  case " $* " in
    *" -w "* | *" -sf "*) command curl "$@" ;;
    *) command curl --fail-with-body "$@" ;;
  esac
}
"""


def guide_script(port: int) -> str:
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 8, "the guide's sh blocks were not found"
    return PRELUDE + "\n".join(blocks).replace(":8000", f":{port}").replace(
        "--port 8000", f"--port {port}"
    )


@pytest.mark.skipif(
    shutil.which("curl") is None, reason="the guide uses curl (.ci/run installs it)"
)
def test_every_step_of_the_user_guide_answers_as_the_guide_says(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env["PROPDESK_DB"] = str(tmp_path / "propdesk.db")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    # Files, not pipes: the server the guide starts in the background holds them open.
    with (tmp_path / "out").open("w") as out_file, (tmp_path / "err").open("w") as err_file:
        shell = subprocess.Popen(
            ["bash", "-c", guide_script(free_port())],
            cwd=tmp_path,
            env=env,
            stdout=out_file,
            stderr=err_file,
            start_new_session=True,  # the guide's server joins the group, stopped below
        )
        try:
            shell.wait(timeout=180)
        finally:
            os.killpg(shell.pid, signal.SIGTERM)
    out, err = ((tmp_path / name).read_text(encoding="utf-8") for name in ("out", "err"))
    assert shell.returncode == 0, f"the guide stopped with {shell.returncode}:\n{err[-3000:]}"
    statuses = re.findall(r"^(\d{3})$", out, re.MULTILINE)
    assert statuses == ["422", "422"]  # the late hold without a reason; the unknown filter
    assert '"detail":"query.name: unknown parameter; allowed: state, kind' in out
    # The server's request log: the phone number searched for is not in it.
    assert '"GET /requests?phone=*** HTTP/1.1" 200' in out
    assert out.count('"late_reason":"no signal in the basement"') >= 2  # sign, arrive
    book = load_workbook(tmp_path / "first-contact.xlsx")
    staff = [row[0].value for row in book.worksheets[0].iter_rows(min_row=2)]
    assert "desk-zhang" in staff
