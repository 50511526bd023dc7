"""Which moderation rule a message matches, with the patterns run under a time limit.

Keywords are escaped literals (one alternation, linear in the text). Patterns are the
managers' own regular expressions, and a hostile message can make a careless one backtrack for
hours ("(a+)+$" against "aaaa…!"). Python's `re` cannot be interrupted from another thread, so
the patterns run in a small child process (plain Python, no Porch imports) that answers one
line per message; when it does not answer within the limit it is killed (and started again for
the next message) and the message counts as matching no pattern.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from porch.features.moderation.config import ModerationRule

logger = logging.getLogger(__name__)
# Seconds the child may take to start and compile the patterns.
STARTUP = 10.0

# The child: the patterns on its first line (it answers "ready" once they are compiled), then one
# message per line; it answers one line each, [pattern index, matched text] or null.
CHILD = """
import json, re, sys
patterns = [re.compile(p, re.IGNORECASE) for p in json.loads(sys.stdin.readline())]
sys.stdout.write("ready\\n")
sys.stdout.flush()
for line in sys.stdin:
    text, found = json.loads(line), None
    for i, pattern in enumerate(patterns):
        match = pattern.search(text)
        if match:
            found = [i, match.group(0)[:200]]
            break
    sys.stdout.write(json.dumps(found) + "\\n")
    sys.stdout.flush()
"""


def watched(words: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the words, matched whole and ignoring case, a phrase's spaces matching
    any run of white space (None: no words)."""
    if not words:
        return None
    alternatives = "|".join(
        r"\s+".join(re.escape(part) for part in word.split())
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class PatternRunner:
    """Runs regular expressions in a child process, giving up after `limit` seconds."""

    def __init__(self, patterns: Sequence[str], *, limit: float) -> None:
        self.patterns = list(patterns)
        self.limit = limit
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self.timeouts = 0

    def first_match(self, text: str) -> tuple[int, str] | None:
        """The first pattern that matches and what it matched; None when none does in time."""
        if not self.patterns or not text:
            return None
        with self._lock:
            child = self._running()
            if child is None:
                return None
            assert child.stdin is not None and child.stdout is not None
            try:
                child.stdin.write((json.dumps(text) + "\n").encode())
                child.stdin.flush()
                line = _read_line(child.stdout.fileno(), deadline=time.monotonic() + self.limit)
            except OSError:
                line = None
            if line is None:
                self.timeouts += 1
                logger.warning(
                    "moderation patterns gave up on a message after %.0f ms (a pattern that "
                    "backtracks?); it is treated as matching none",
                    self.limit * 1000,
                )
                self.close()
                return None
        found = json.loads(line)
        return (int(found[0]), str(found[1])) if found else None

    def _running(self) -> subprocess.Popen[bytes] | None:
        """The child, started when needed; its start does not count against a message's limit
        (None: it did not start within STARTUP seconds)."""
        if self._child is not None and self._child.poll() is None:
            return self._child
        self._child = subprocess.Popen(
            [sys.executable, "-I", "-c", CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self._child.stdin is not None and self._child.stdout is not None
        try:
            self._child.stdin.write((json.dumps(self.patterns) + "\n").encode())
            self._child.stdin.flush()
            ready = _read_line(self._child.stdout.fileno(), deadline=time.monotonic() + STARTUP)
        except OSError:
            ready = None
        if ready != "ready\n":
            logger.error("the moderation patterns' process did not start; patterns are skipped")
            self.close()
            return None
        return self._child

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()


def _read_line(fd: int, *, deadline: float) -> str | None:
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        data += chunk
    return data.decode()


@dataclass(frozen=True)
class Match:
    rule: ModerationRule
    found: str


class Rules:
    """The configured rules, compiled: keywords in process, patterns in the child."""

    def __init__(self, rules: Sequence[ModerationRule], *, limit: float) -> None:
        self.rules = list(rules)
        self.keywords = [(rule, watched(rule.keywords)) for rule in self.rules]
        self.owners = [rule for rule in self.rules for _ in rule.patterns]
        self.runner = PatternRunner(
            [pattern for rule in self.rules for pattern in rule.patterns], limit=limit
        )

    def __bool__(self) -> bool:
        return bool(self.rules)

    def match(self, text: str) -> Match | None:
        for rule, pattern in self.keywords:
            if pattern is not None and (found := pattern.search(text)):
                return Match(rule, " ".join(found.group(0).split()))
        hit = self.runner.first_match(text)
        return Match(self.owners[hit[0]], hit[1]) if hit else None
