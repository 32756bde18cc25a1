"""CPU seconds used by a process, its child processes and the PostgreSQL backends serving it (Linux /proc).

On a shared machine a wall-clock rate says as much about the other work running as about the code measured;
the CPU seconds each process spends per article do not depend on it, and tell whether a rate is within reach
on an idle machine: on 2 cores, 500 articles/s needs under 4 CPU-s per 1,000 articles in all, spread over
both cores (no single process above 2).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text

TICKS = os.sysconf("SC_CLK_TCK")
MAIN, CHECKING, POSTGRESQL = "main", "checking", "postgresql"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a live process so far."""
    return own_and_children(pid)[0]


def own_and_children(pid: int) -> tuple[float, float]:
    """User and system CPU time of a process, and that of the child processes it has waited for. Read from an
    ended process not yet waited for (os.waitid with WNOWAIT), both are final: a command's own CPU, and that
    of the worker processes it started and joined."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def descendants(root: int) -> list[int]:
    """The live processes below root (children, their children, …)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Meter:
    """The CPU seconds of one process (MAIN), of its descendants (CHECKING: the worker processes that check
    articles; multiprocessing's resource tracker is left out) and of the PostgreSQL backends whose
    application_name is `application` (POSTGRESQL; the server must run on this machine).

    Processes come and go (a command's checking processes, a backend whose connection is closed): a thread
    samples every `every` seconds and each process counts with the last figure seen, so one that ended
    counts with what it had used up to at most `every` seconds before it ended."""

    def __init__(
        self, root: int, *, postgres: Engine | None = None, application: str | None = None, every: float = 0.25
    ) -> None:
        self.root = root
        self.postgres = postgres
        self.application = application
        self.every = every
        self._seen: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds at the last sample)
        # The CPU seconds of the main process when it was first seen with checking processes: a command's
        # start (loading the detector, reading its input) is over by then.
        self.main_when_checking: float | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _backends(self) -> list[int]:
        if self.postgres is None or self.application is None:
            return []
        with self.postgres.connect() as connection:
            query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name AND pid <> pg_backend_pid()")
            return list(connection.scalars(query, {"name": self.application}))

    def sample(self) -> None:
        kinds = [(self.root, MAIN)]
        for pid in descendants(self.root):
            with contextlib.suppress(OSError):
                if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    kinds.append((pid, CHECKING))
        kinds += [(pid, POSTGRESQL) for pid in self._backends()]
        with self._lock:
            for pid, kind in kinds:
                with contextlib.suppress(OSError):
                    self._seen[pid] = (kind, cpu_seconds(pid))
            if self.main_when_checking is None and any(kind == CHECKING for _pid, kind in kinds):
                self.main_when_checking = self._seen[self.root][1] if self.root in self._seen else None

    def totals(self) -> dict[str, float]:
        """CPU seconds so far of each kind (sampled now)."""
        self.sample()
        with self._lock:
            sums = dict.fromkeys((MAIN, CHECKING, POSTGRESQL), 0.0)
            for kind, seconds in self._seen.values():
                sums[kind] += seconds
            return sums

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with contextlib.suppress(Exception):  # a sample lost to a process ending meanwhile: the next one
                self.sample()

    @contextlib.contextmanager
    def running(self) -> Iterator[Meter]:
        self._thread = threading.Thread(target=self._run, daemon=True, name="cpu-meter")
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


def per_thousand(before: dict[str, float], after: dict[str, float], articles: int) -> dict[str, float]:
    """CPU seconds per 1,000 articles of each kind between two totals, and their sum ("total")."""
    spent = {kind: (after[kind] - before.get(kind, 0.0)) * 1000 / articles for kind in after}
    return spent | {"total": sum(spent.values())}


def ceiling(costs: dict[str, float], cores: int = 2) -> float:
    """Articles/s the CPU costs allow on `cores` idle cores: all the work spread over them, and no faster
    than the busiest single process (the server's or the command's own process) alone allows."""
    spread = cores * 1000 / costs["total"] if costs["total"] > 0 else float("inf")
    single = 1000 / costs[MAIN] if costs[MAIN] > 0 else float("inf")
    return min(spread, single)
