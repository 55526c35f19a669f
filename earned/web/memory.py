"""Big one-off allocations (a whole-journal export is ~10 MB of JSON built from ~60 MB of
Python objects) without a server that stays big afterwards.

glibc keeps freed memory in its per-thread arenas, so each export handled by another
worker thread left the server tens of MB larger (the soak bench measured +30% over five
minutes). `one_at_a_time` bounds the peak; `give_back` returns what was freed to the
system once the response has been sent; `few_arenas`, called before the server starts its
threads, keeps glibc to two arenas, so memory one thread freed serves the next instead of
sitting in an arena of its own (MALLOC_ARENA_MAX=2, set from inside the process).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import cache

one_at_a_time = threading.Lock()


M_ARENA_MAX = -8  # glibc's mallopt parameter number


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def give_back() -> None:
    trim = getattr(_libc(), "malloc_trim", None)  # glibc only; elsewhere nothing to do
    if callable(trim):
        trim(0)


def few_arenas(arenas: int = 2) -> bool:
    """Limit glibc's malloc arenas; True if this C library took the setting."""
    mallopt = getattr(_libc(), "mallopt", None)
    return bool(callable(mallopt) and mallopt(M_ARENA_MAX, arenas) == 1)
