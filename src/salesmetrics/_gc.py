"""Pausing the cyclic garbage collector while the library makes many acyclic objects (private)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load or a walk makes its objects, then resume.

    A load or the thread walk makes millions of objects without cycles; each
    full collection on the way walks every one made so far (a third of the
    time of a million messages). Reference counting frees memory as usual
    meanwhile, and the collector's state is restored however the block ends.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
