"""HTTP load from wrk: installing it, and one run of bench/intake.lua with its figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass

from paths import LUA
from terminal import console


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed if missing (the bench runs as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with console.status("installing wrk (apt-get install -y wrk)"):
        done = subprocess.run([*apt, "install", "-y", "wrk"], env=env, capture_output=True)
        if done.returncode != 0:
            subprocess.run([*apt, "update"], env=env, capture_output=True)
            subprocess.run([*apt, "install", "-y", "wrk"], env=env, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is missing and `apt-get install -y wrk` did not install it")
    return found


def wrk_version() -> str | None:
    found = shutil.which("wrk")
    if not found:
        return None
    done = subprocess.run([found, "-v"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split("[")[0].split("Copyright")[0].strip() if first else None


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    errors: int  # connect, read, write and timeout errors, and answers >= 400
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    tag: str,
    token: str = "",
) -> WrkRun:
    """POST unique intake requests (bench/intake.lua) on keep-alive connections."""
    argv = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url + "/requests",
        "--",
        tag,
        token,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            raw = json.loads(line[len("WRK_JSON ") :])
            return WrkRun(
                requests=raw["requests"],
                seconds=raw["duration_us"] / 1e6,
                errors=sum(raw[k] for k in ("connect", "read", "write", "status", "timeout")),
                p50_ms=raw["p50_us"] / 1000,
                p90_ms=raw["p90_us"] / 1000,
                p99_ms=raw["p99_us"] / 1000,
                max_ms=raw["max_us"] / 1000,
            )
    raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
