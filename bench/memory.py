"""Memory of a process and its children, read from /proc: resident, proportional and
peak sizes, sampled in the background."""

from __future__ import annotations

import threading
from pathlib import Path

MB = 1024 * 1024


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class MemorySampler:
    """Samples a process and its children: the peak of their summed resident memory (RSS,
    which counts pages shared by a fork in each process) and of their summed proportional
    set size (PSS, which splits shared pages between them: what the tree really holds)."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid = pid
        self.every = every
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_hwm_kb = 0  # the root process's own VmHWM, last seen
        self.hwm_kb: dict[int, int] = {}  # each process's VmHWM, last seen
        self.processes = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> None:
        pids = _tree(self.pid)
        self.processes = max(self.processes, len(pids))
        self.peak_rss_kb = max(self.peak_rss_kb, sum(_status_kb(p, "VmRSS") for p in pids))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in pids))
        for pid in pids:
            self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), _status_kb(pid, "VmHWM"))
        self.peak_hwm_kb = self.hwm_kb.get(self.pid, 0)

    @property
    def hwm_sum_kb(self) -> int:
        """Each process's own peak (VmHWM, read at each sample), added up: no lower than the
        summed samples, but a process's growth after its last sample is not seen."""
        return sum(self.hwm_kb.values())
