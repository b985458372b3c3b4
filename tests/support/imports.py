"""What a source file imports, read from its syntax tree without running it."""

from __future__ import annotations

import ast
from pathlib import Path


def imports_of(path: Path, src: Path | None = None) -> set[str]:
    """The modules a file imports by absolute name (relative imports are left out). Given
    `src`, `from a.b import c` also counts `a.b.c` when that is a module or a package
    under `src`, so that importing a module through its package hides nothing."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if src is None:
                continue
            for alias in node.names:
                candidate = src / f"{node.module}.{alias.name}".replace(".", "/")
                if candidate.with_suffix(".py").exists() or candidate.is_dir():
                    found.add(f"{node.module}.{alias.name}")
    return found
