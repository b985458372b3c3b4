"""`make mutation`: cosmic-ray over the SLA rules, the calendar and the lifecycle tables.

For each module named in tools/mutation/config/, one cosmic-ray session: every mutant of
the module (cosmic-ray's operators plus the deletions in tools/mutation) is applied alone
and the tests that cover that module run against it. Prints each mutant as it finishes,
then each module's score and the mutants that survived, with their diffs. docs/testing.md
says what the scores mean and which survivors are equivalent.

cosmic-ray writes each mutant into the file it mutates, so the run works on a copy of the
checkout (.mutation/tree, beside the session databases): the checkout itself is never
changed, and a run stopped half-way leaves no mutant behind.

    python tools/mutation/run.py [--configs DIR] [--survivors] [MODULE ...]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import parso
from cosmic_ray.ast import ast_nodes
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkItem, WorkResult

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = Path(__file__).resolve().parent / "config"
SESSIONS = ROOT / ".mutation"  # cosmic-ray's session databases: not in git
TREE = SESSIONS / "tree"  # the copy of the checkout the mutants are written into
POLL_SECONDS = 2.0
COSMIC_RAY = [sys.executable, "-m", "cosmic_ray.cli"]


@dataclass
class Tally:
    module: str
    total: int = 0
    killed: int = 0
    survivors: list[tuple[WorkItem, WorkResult]] = field(default_factory=list)
    not_run: list[tuple[WorkItem, WorkResult]] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        judged = self.killed + len(self.survivors)
        return None if judged == 0 else 100.0 * self.killed / judged


def _describe(item: WorkItem) -> str:
    mutation = item.mutations[0]
    line, column = mutation.start_pos
    return f"line {line}:{column} {mutation.operator_name} #{mutation.occurrence}"


def _outcome(result: WorkResult) -> str:
    if result.worker_outcome == WorkerOutcome.NORMAL:
        return (
            "killed"
            if result.test_outcome == TestOutcome.KILLED
            else ("SURVIVED" if result.test_outcome == TestOutcome.SURVIVED else "incompetent")
        )
    return str(result.worker_outcome.value)


Span = tuple[tuple[int, int], tuple[int, int]]


def _annotations(module: Path) -> list[Span]:
    """Where the module's type annotations are: with `from __future__ import annotations`
    they are never evaluated, so a mutant inside one cannot change what the code does."""
    spans: list[Span] = []
    for node in ast_nodes(parso.parse(module.read_text(encoding="utf-8"))):
        found = None
        if node.type == "annassign":
            found = node.children[1]
        elif node.type in ("funcdef", "param"):
            found = node.annotation
        if found is not None:
            spans.append((found.start_pos, found.end_pos))
    return spans


def _skip_annotations(session: Path, module: Path) -> int:
    spans = _annotations(module)
    skipped = 0
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            mutation = item.mutations[0]
            if any(a <= mutation.start_pos and mutation.end_pos <= b for a, b in spans):
                db.set_result(
                    item.job_id,
                    WorkResult(output="in a type annotation", worker_outcome=WorkerOutcome.SKIPPED),
                )
                skipped += 1
    return skipped


def _copy_checkout() -> None:
    """A fresh copy of the checkout's files (those git does not ignore, committed or not);
    its tests import its own `src` first (pytest's `pythonpath`), and it runs them with the
    checkout's virtual environment."""
    if TREE.exists():
        shutil.rmtree(TREE)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)
    (TREE / ".venv").symlink_to(ROOT / ".venv")


def _config(path: Path) -> dict[str, object]:
    config: dict[str, object] = tomllib.loads(path.read_text(encoding="utf-8"))["cosmic-ray"]
    return config


def _baseline(config: dict[str, object], name: str) -> None:
    """The tests must pass on the unchanged module, or every mutant would look killed."""
    command = str(config["test-command"])
    started = time.monotonic()
    done = subprocess.run(shlex.split(command), cwd=TREE, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{name}: the tests fail without any mutant; fix them first:\n{done.stdout}")
    print(f"{name}: baseline passed in {seconds:.1f} s: {command}", flush=True)


def _prepare(name: str, config_path: Path, session: Path, survivors_only: bool) -> int:
    """Fills the session with the mutants to run; returns how many will run."""
    if survivors_only and session.exists():
        with sqlite3.connect(session) as db:
            return db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount
    subprocess.run([*COSMIC_RAY, "init", str(config_path), str(session), "--force"],
                   cwd=TREE, check=True)  # fmt: skip
    module = TREE / str(_config(config_path)["module-path"])
    skipped = _skip_annotations(session, module)
    with use_db(str(session), WorkDB.Mode.open) as db:
        total = db.num_work_items - skipped
    print(
        f"{name}: {total} mutants of {module.relative_to(TREE)}"
        f" ({skipped} more inside type annotations, which are never evaluated, left out)",
        flush=True,
    )
    return total


def _run_session(name: str, config_path: Path, survivors_only: bool) -> Tally:
    _baseline(_config(config_path), name)
    session = SESSIONS / f"{name}.sqlite"
    to_run = _prepare(name, config_path, session, survivors_only)
    with use_db(str(session), WorkDB.Mode.open) as db:
        seen = {item.job_id for item, _ in db.completed_work_items}
    done = 0
    runner = subprocess.Popen([*COSMIC_RAY, "exec", str(config_path), str(session)],
                              cwd=TREE)  # fmt: skip
    while True:
        finished = runner.poll() is not None
        with use_db(str(session), WorkDB.Mode.open) as db:
            completed = db.completed_work_items
        for item, result in completed:
            if item.job_id not in seen:
                seen.add(item.job_id)
                done += 1
                print(f"  [{done}/{to_run}] {_outcome(result):<11} {_describe(item)}", flush=True)
        if finished:
            break
        time.sleep(POLL_SECONDS)
    if runner.returncode != 0:
        sys.exit(f"{name}: cosmic-ray exec failed ({runner.returncode})")
    return _tally(name, session)


def _tally(name: str, session: Path) -> Tally:
    tally = Tally(name)
    with use_db(str(session), WorkDB.Mode.open) as db:
        completed = db.completed_work_items
    for item, result in completed:
        if result.worker_outcome == WorkerOutcome.SKIPPED:
            continue
        tally.total += 1
        outcome = _outcome(result)
        if outcome == "killed":
            tally.killed += 1
        elif outcome == "SURVIVED":
            tally.survivors.append((item, result))
        else:
            tally.not_run.append((item, result))
    return tally


def _report(tallies: list[Tally]) -> None:
    for tally in tallies:
        if not tally.survivors and not tally.not_run:
            continue
        print(f"\n== {tally.module}: surviving mutants ==")
        for item, result in tally.survivors:
            print(f"\n-- {_describe(item)}\n{result.diff}")
        for item, result in tally.not_run:
            print(f"\n-- not judged ({_outcome(result)}): {_describe(item)}")
    print("\nmodule        mutants  killed  survived  not judged  score")
    for tally in tallies:
        score = "n/a" if tally.score is None else f"{tally.score:.1f} %"
        print(
            f"{tally.module:<13} {tally.total:>7}  {tally.killed:>6}  {len(tally.survivors):>8}"
            f"  {len(tally.not_run):>10}  {score}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=Path, default=CONFIGS,
                        help="folder of cosmic-ray configs, one per module")  # fmt: skip
    parser.add_argument("--survivors", action="store_true",
                        help="re-test only the mutants that survived the last run")  # fmt: skip
    configs = parser.parse_known_args()[0].configs
    known = sorted(path.stem for path in configs.glob("*.toml"))
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"modules to mutate (default: all of {', '.join(known)})")  # fmt: skip
    arguments = parser.parse_args()
    names = arguments.modules or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; known: {', '.join(known)}")
    SESSIONS.mkdir(exist_ok=True)
    _copy_checkout()
    configs = configs.resolve()
    tallies = [_run_session(name, configs / f"{name}.toml", arguments.survivors) for name in names]
    _report(tallies)


if __name__ == "__main__":
    main()
