"""The garbage collector during a rebuild, which makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def rare_collections() -> Iterator[None]:
    """A rebuild makes millions of short-lived objects and no reference cycles; the garbage
    collector's passes over them took a sixth of its time (bench/rebuild.py), so meanwhile
    they run rarely, and never over the objects that existed before."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
