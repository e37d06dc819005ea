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
        _promote_young()
        gc.enable()


def _promote_young() -> None:
    """Move the objects not yet collected to the oldest generation, without scanning them.

    Resumed as it was, the collector's next young collection would walk
    every object the paused block made (at a million messages, 0.9 s after
    a load and 3.8 s inside the report); they live as long as the dataset,
    so they go where long-lived objects go. The library's objects hold no
    reference cycles (a calendar's compiled clock refers back to it weakly),
    so reference counting frees them when the dataset goes; the program's
    own young objects (at most the collector's young thresholds: a few
    thousand) move with them, and those among them that are cyclic garbage
    wait for the next full collection. When the program froze objects of its
    own (``gc.freeze``), nothing is moved: thawing them would undo its freeze.

    >>> import gc
    >>> gc.collect() >= 0
    True
    >>> made = [[] for _ in range(1000)]
    >>> _promote_young()
    >>> gc.get_count()[0] < 1000
    True
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
