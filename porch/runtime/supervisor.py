"""The edge's worker processes: started with `porch serve`, watched, restarted, woken.

The edge answers Slack and only stores; everything else (the features acting on stored
events, the effect worker, the scheduler, the tracker) runs in `porch worker` processes that
this pool starts. Each has its own interpreter, so a heavy job or a flood of events costs the
workers' CPU and never an acknowledgement's: the edge's GIL is never held by feature code.

Each worker gets the read end of a pipe. The edge writes one byte to it when it stores an event
or records an effect, so a worker starts on new work within milliseconds instead of at its next
idle poll; a full pipe already means "wake up", so a write that would block is simply dropped.
When the edge dies, even by kill -9, the pipe's write end closes and the worker reads EOF and
stops: no orphaned worker keeps running against a store nobody acknowledges into.

A worker that exits is started again. One that dies soon after starting (a bad config, the
database unreachable) is restarted after a growing pause, up to a minute, so a crash loop costs
a line a minute, not a process a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# A worker that lived at least this long was healthy: its restart is immediate.
HEALTHY_SECONDS = 30.0
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 60.0
WATCH_SECONDS = 0.2
STOP_SECONDS = 20.0
# Wakes written to the workers' pipes at most this often: they batch what arrived meanwhile.
WAKE_SECONDS = 0.002


def default_worker_count(*, database_url: str, cpu_count: int | None = None) -> int:
    """How many worker processes `porch serve` starts when --workers is not given.

    SQLite has one writer, so a second worker only queues for its lock: one. PostgreSQL locks
    rows, so workers scale with the cores (the edge itself needs little CPU), up to four.
    """
    if database_url.startswith("sqlite"):
        return 1
    return max(1, min(4, cpu_count or os.cpu_count() or 1))


@dataclass
class _Slot:
    number: int
    process: subprocess.Popen[bytes] | None = None
    wake_fd: int | None = None
    started: float = 0.0
    restart_at: float = 0.0
    pause: float = FIRST_PAUSE_SECONDS
    restarts: int = 0


@dataclass
class WorkerPool:
    """`count` worker processes running `command` + ["--wake-fd", N]; see the module doc."""

    command: Sequence[str]
    count: int
    env: dict[str, str] | None = None
    clock: Callable[[], float] = time.monotonic
    _slots: list[_Slot] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pipes: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _watcher: threading.Thread | None = None
    _wanted: threading.Event = field(default_factory=threading.Event)
    _waker: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            self._slots = [_Slot(number=n) for n in range(1, self.count + 1)]
            for slot in self._slots:
                self._spawn(slot)
        self._watcher = threading.Thread(target=self._watch, name="porch-workers", daemon=True)
        self._watcher.start()
        self._waker = threading.Thread(target=self._wake_loop, name="porch-wake", daemon=True)
        self._waker.start()

    def wake(self) -> None:
        """Tell every worker there is new work (an event stored, an effect recorded).

        Called for every acknowledged event, so it only raises a flag: a thread of its own
        writes the pipes, at most once per WAKE_SECONDS. A write per worker per request, each
        giving up the GIL and waiting for it again, cost the acknowledgements under load."""
        self._wanted.set()

    def _wake_loop(self) -> None:
        # The timeout only bounds how long `stop` can wait for this thread.
        while not self._stopping.is_set():
            if self._wanted.wait(timeout=WATCH_SECONDS):
                self._wanted.clear()
                self._write_wakes()
                time.sleep(WAKE_SECONDS)

    def _write_wakes(self) -> None:
        # Under its own short lock: a pipe closed and its number reused meanwhile must never
        # get the byte.
        with self._pipes:
            for slot in self._slots:
                if slot.wake_fd is None:
                    continue
                # Full: it is already woken. Broken: it died, and the watcher restarts it.
                with contextlib.suppress(OSError):
                    os.write(slot.wake_fd, b"!")

    def stop(self) -> None:
        """SIGTERM every worker, wait for them to finish what they hold, then SIGKILL."""
        self._stopping.set()
        self._wanted.set()
        if self._watcher:
            self._watcher.join(timeout=5)
        if self._waker:
            self._waker.join(timeout=5)
        with self._lock:
            running = [s.process for s in self._slots if s.process and s.process.poll() is None]
            for process in running:
                process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for process in running:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    logger.warning("worker %d did not stop in time; killing it", process.pid)
                    process.kill()
                    process.wait()
            for slot in self._slots:
                self._close_pipe(slot)

    def figures(self) -> dict[str, object]:
        """For GET /healthz: how many workers run now and how often they had to be restarted."""
        with self._lock:
            return {
                "configured": self.count,
                "running": sum(
                    1 for s in self._slots if s.process is not None and s.process.poll() is None
                ),
                "restarts": sum(s.restarts for s in self._slots),
                "pids": [s.process.pid for s in self._slots if s.process is not None],
            }

    # ---- inside ------------------------------------------------------------------------------

    def _spawn(self, slot: _Slot) -> None:
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        try:
            slot.process = subprocess.Popen(
                [*self.command, "--wake-fd", str(read_fd)],
                pass_fds=(read_fd,),
                env=self.env,
                stdin=subprocess.DEVNULL,
                # Below the edge: when the machine is short of CPU, the acknowledgements get it
                # and the backlog waits (it is durable; a late ack is a lost delivery).
                preexec_fn=_lower_priority,
            )
        except OSError:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)
        with self._pipes:
            slot.wake_fd = write_fd
        slot.started = self.clock()
        logger.info("worker %d started (pid %d)", slot.number, slot.process.pid)

    def _close_pipe(self, slot: _Slot) -> None:
        with self._pipes:
            if slot.wake_fd is not None:
                os.close(slot.wake_fd)
                slot.wake_fd = None

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            with self._lock:
                for slot in self._slots:
                    self._look_after(slot)

    def _look_after(self, slot: _Slot) -> None:
        now = self.clock()
        process = slot.process
        if process is not None:
            code = process.poll()
            if code is None:
                return
            lived = now - slot.started
            self._close_pipe(slot)
            slot.process = None
            if lived >= HEALTHY_SECONDS:
                slot.pause = FIRST_PAUSE_SECONDS
                slot.restart_at = now
            else:
                slot.restart_at = now + slot.pause
                slot.pause = min(LONGEST_PAUSE_SECONDS, slot.pause * 2)
            logger.warning(
                "worker %d (pid %d) exited with %s after %.0f s; restarting it%s",
                slot.number,
                process.pid,
                _exit_status(code),
                lived,
                "" if slot.restart_at <= now else f" in {slot.restart_at - now:.0f} s",
            )
        if slot.process is None and now >= slot.restart_at:
            slot.restarts += 1
            try:
                self._spawn(slot)
            except OSError:
                logger.exception("could not start worker %d", slot.number)
                slot.restart_at = now + slot.pause


# How much lower than the edge the workers run (nice(2) steps; 0 is the edge's own), so that a
# burst's acknowledgements come before the backlog's work. Not lower: on SQLite the workers
# still share the database's write lock with the requests that need it (buttons, commands),
# and a worker descheduled while holding it would hold those up. (Events never wait on a
# worker: only the edge writes its spool, spool.py.)
WORKER_NICENESS = 5


def _lower_priority() -> None:
    os.nice(WORKER_NICENESS)


def _exit_status(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def worker_command(*, config_path: str) -> list[str]:
    """How the edge starts a worker: this interpreter, Porch's CLI, the same config."""
    return [sys.executable, "-m", "porch.runtime.cli", "worker", "--config", config_path]


def listen_for_wakes(
    *, fd: int, wake: Callable[[], None], parent_gone: Callable[[], None]
) -> threading.Thread:
    """In a worker: call `wake` for each byte the edge writes; `parent_gone` at EOF."""

    def listen() -> None:
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                parent_gone()
                return
            wake()

    thread = threading.Thread(target=listen, name="porch-wakes", daemon=True)
    thread.start()
    return thread
