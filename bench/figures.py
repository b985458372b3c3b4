"""Figures and their targets, percentiles, and running one benchmark alone or under
the suite.

Each benchmark is a module of its own (`http_intake`, `command_latency`, `rebuild`,
`whatif`, `scale`, `footprint`) with `add_arguments(parser)` and `run(args)`; run
alone it prints its own table, run by `suite.py` it runs in a fresh process and
hands its figures back as JSON (`--out`), so no benchmark inherits another's memory.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table
from terminal import console


@dataclass
class Figure:
    """One measured figure, with the target it is judged against (if any).

    `met` is None when the figure has no target or the run cannot judge it (a target
    stated for one million events, measured on fewer)."""

    benchmark: str
    name: str
    value: float | None
    unit: str
    target: str | None = None
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def shown(self) -> str:
        if self.value is None:
            return "-"
        if self.unit in ("ms", "s", "x"):
            return f"{self.value:,.2f} {self.unit}"
        if self.unit == "calls/event":
            return f"{self.value:,.1f} {self.unit}"
        return f"{self.value:,.0f} {self.unit}"


def verdict(met: bool | None) -> str:
    return "-" if met is None else ("yes" if met else "NO")


def figures_table(title: str, figures: Sequence[Figure]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("benchmark")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("target")
    table.add_column("met", justify="center")
    table.add_column("note", overflow="fold")
    for f in figures:
        colour = {True: "green", False: "red", None: "dim"}[f.met]
        table.add_row(
            f.benchmark,
            f.name,
            f.shown(),
            f.target or "",
            f"[{colour}]{verdict(f.met)}[/{colour}]",
            f.note,
        )
    return table


def figures_markdown(figures: Sequence[Figure]) -> str:
    lines = [
        "| benchmark | figure | value | target | met | note |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for f in figures:
        target = (f.target or "").replace("|", "\\|")
        lines.append(
            f"| {f.benchmark} | {f.name} | {f.shown()} | {target} | {verdict(f.met)} | {f.note} |"
        )
    return "\n".join(lines) + "\n"


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: a value that was measured, never interpolated."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# -- running a benchmark alone or under the suite ---------------------------------------


def piece_parser(
    add_arguments: Callable[[argparse.ArgumentParser], None], doc: str | None
) -> argparse.ArgumentParser:
    """A benchmark's command line: --quick and --out (the suite passes both), then its own."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON (the suite)")
    add_arguments(parser)
    return parser


def piece_main(
    title: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], list[Figure]],
    doc: str | None,
) -> None:
    args = piece_parser(add_arguments, doc).parse_args()
    figures = run(args)
    if args.out:
        args.out.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n")
    else:
        console.print(figures_table(title, figures))


def load_figures(path: Path) -> list[Figure]:
    return [Figure(**item) for item in json.loads(path.read_text())]


def write_json(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
