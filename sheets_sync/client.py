"""Talking to the Sheets API through gspread: credentials, base URL, retries, clear errors.

Porch uses gspread's HTTP client (`gspread.http_client.HTTPClient`) and its low-level methods
(fetch_sheet_metadata, values_batch_get, values_batch_update, batch_update), opening the Sheet by
key. It never calls the Drive API.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

logger = logging.getLogger(__name__)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"
V4_PATH = "/v4/spreadsheets"


class TrackerError(Exception):
    """A tracker problem a person has to fix, explained in one line."""


class AmbiguousWrite(Exception):
    """A write that is not safe to repeat failed in a way that may or may not have applied it.

    The caller re-reads the Sheet and plans again instead of blindly retrying.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter for 429 and 5xx answers (and dropped connections).

    `budget` bounds the total wait for one request: past it the cycle fails, the outbox keeps
    every row, and the next cycle tries again, so a long outage never blocks a thread for long.
    """

    attempts: int = 8
    base_delay: float = 1.0
    max_delay: float = 32.0
    budget: float = 120.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        wait = rng.uniform(0, ceiling)
        return max(wait, min(retry_after, self.max_delay)) if retry_after else wait


class WriteLimiter:
    """At most `per_minute` write requests in any 60 seconds, across cycles of one process.

    Google allows 60 write requests per minute per user; staying under it client-side means the
    worker rarely sees a 429 at all, and a backfill paces itself instead of failing.
    """

    def __init__(
        self,
        per_minute: int = 50,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for a free slot and take it; returns the seconds waited."""
        waited = 0.0
        with self._lock:
            while True:
                now = self.clock()
                while self._sent and now - self._sent[0] >= 60:
                    self._sent.popleft()
                if len(self._sent) < self.per_minute:
                    self._sent.append(now)
                    return waited
                pause = 60 - (now - self._sent[0])
                self.sleep(pause)
                waited += pause


@dataclass
class RequestStats:
    reads: int = 0
    writes: int = 0
    retries: int = 0
    bytes_sent: int = 0

    def snapshot(self) -> RequestStats:
        return RequestStats(self.reads, self.writes, self.retries, self.bytes_sent)

    def since(self, before: RequestStats) -> RequestStats:
        return RequestStats(
            self.reads - before.reads,
            self.writes - before.writes,
            self.retries - before.retries,
            self.bytes_sent - before.bytes_sent,
        )


def api_base(root: str | None) -> str:
    """The spreadsheets collection URL for SHEETS_API_URL (a root, or the full v4 path)."""
    root = (root or GOOGLE_SHEETS_ROOT).rstrip("/")
    return root if root.endswith(V4_PATH) else root + V4_PATH


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client, sending Sheets requests to a configurable base URL, with retries.

    Why a subclass: every gspread call, high- or low-level, ends in `HTTPClient.request` with
    an absolute URL built from the `gspread.urls` constants, and `gspread.Client` takes the
    client class to use (`http_client=`). Overriding `request` to swap the URL prefix is
    therefore a supported extension point that covers every endpoint. Patching the module
    constants would be process-wide state that leaks into every other gspread user (and the
    methods have already imported them), and a transport adapter that rewrites hosts would work
    below gspread's error handling. Drive URLs are refused: Porch opens Sheets by key only.

    Retries live here too, because only here is the HTTP status visible before gspread turns it
    into an exception: 429 is always retried (Google did not apply the request); 5xx and dropped
    connections are retried for requests that are safe to repeat (reads, and value writes at
    fixed positions), and raise AmbiguousWrite for spreadsheets.batchUpdate, whose addSheet and
    addChart must not run twice.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        base_url: str,
        retry: RetryPolicy,
        limiter: WriteLimiter | None,
        stats: RequestStats,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(auth, session)
        self.base_url = base_url
        self.retry = retry
        self.limiter = limiter
        self.stats = stats
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.timeout = (10, 300)

    def route(self, endpoint: str) -> str:
        if endpoint.startswith(SPREADSHEETS_API_V4_BASE_URL):
            return self.base_url + endpoint[len(SPREADSHEETS_API_V4_BASE_URL) :]
        if endpoint.startswith(self.base_url):
            return endpoint
        raise TrackerError(f"Porch only talks to the Sheets API, not {endpoint.split('?')[0]}")

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        url = self.route(endpoint)
        write = method.lower() != "get"
        path = url[len(self.base_url) :].split("?", 1)[0]
        # spreadsheets.batchUpdate (addSheet, addChart) and values.append must not run twice.
        repeatable = not write or not re.fullmatch(r"/[^/]+:batchUpdate|.*:append", path)
        size = len(_json_dumps(json)) if json is not None else len(data or b"")
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            if write:
                if self.limiter is not None:
                    self.limiter.acquire()
                self.stats.writes += 1
                self.stats.bytes_sent += size
            else:
                self.stats.reads += 1
            retry_after: float | None = None
            try:
                return super().request(method, url, params, data, json, files, headers)
            except APIError as error:
                status = error.response.status_code
                if status != 429 and status < 500:
                    raise
                if status >= 500 and not repeatable:
                    raise AmbiguousWrite(f"{method} {url}: HTTP {status}") from error
                failure: Exception = error
                retry_after = _retry_after(error.response)
            except (
                requests.ConnectionError,
                requests.Timeout,
                auth_exceptions.TransportError,
            ) as error:
                if write and not repeatable:
                    raise AmbiguousWrite(f"{method} {url}: {error}") from error
                failure = error
            delay = self.retry.delay(attempt, self.rng, retry_after)
            if attempt >= self.retry.attempts or waited + delay > self.retry.budget:
                raise failure
            logger.warning(
                "Sheets API %s %s failed (%s); retry %d in %.1f s",
                method.upper(),
                url.rsplit("/", 1)[-1][:60],
                _short(failure),
                attempt,
                delay,
            )
            self.stats.retries += 1
            self.sleep(delay)
            waited += delay


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _short(error: Exception) -> str:
    if isinstance(error, APIError):
        return f"HTTP {error.response.status_code}"
    return type(error).__name__


# ---- credentials and errors ------------------------------------------------------------------


def spreadsheet_id(sheet: str) -> str:
    """The spreadsheet ID from `tracker.sheet`, which may be the ID or the Sheet's URL."""
    value = sheet.strip()
    match = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", value)
    if match:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9_-]{8,}", value):
        return value
    raise TrackerError(
        f"tracker.sheet {sheet!r} is neither a Google Sheet ID nor a Sheet URL "
        "(copy the address of the Sheet from the browser)"
    )


class ServiceAccountCredentials(service_account.Credentials):
    """Service-account credentials that talk only to the token endpoint in the key file.

    Recent google-auth releases follow every token refresh with a lookup of the account's
    "regional access boundary" at iamcredentials.googleapis.com. With a real Google key that
    is Google's business and is kept. When the key's token_uri is not Google's (the sandbox,
    tests, a private proxy), the token did not come from Google and nothing may be sent there,
    so the hook google-auth provides for subclasses (`_after_refresh`) skips the lookup.
    """

    def _after_refresh(self, request: Any, method: Any, url: Any, headers: Any) -> None:
        if _is_google(self._token_uri):
            super()._after_refresh(request, method, url, headers)


def _is_google(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "accounts.google.com" or host.endswith(".googleapis.com")


def load_credentials(path: Path) -> service_account.Credentials:
    """Service-account credentials for the Sheets scope, or a TrackerError saying what is wrong."""
    where = f"GOOGLE_APPLICATION_CREDENTIALS ({path})"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrackerError(f"{where} cannot be read: {error.strerror}") from error
    try:
        info = json.loads(text)
    except ValueError as error:
        raise TrackerError(
            f"{where} is not a service-account key file: it is not JSON "
            "(download a JSON key for the service account)"
        ) from error
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        raise TrackerError(
            f"{where} is not a service-account key file (its type is {kind!r}); "
            "create a JSON key for a service account"
        )
    missing = [name for name in ("client_email", "private_key", "token_uri") if not info.get(name)]
    if missing:
        raise TrackerError(
            f"{where} is not a complete service-account key file: {', '.join(missing)} missing"
        )
    try:
        return ServiceAccountCredentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, TypeError, IndexError, auth_exceptions.GoogleAuthError) as error:
        raise TrackerError(
            f"{where} is a malformed service-account key file: its private key cannot be read"
        ) from error


def explain(error: Exception, *, sheet_id: str, email: str, key_path: Path) -> TrackerError | None:
    """A one-line TrackerError for a failure a person must fix, or None for anything else."""
    if isinstance(error, auth_exceptions.RefreshError):
        detail = str(error.args[0]) if error.args else str(error)
        return TrackerError(
            f"Google refused the service-account key in {key_path} ({detail}); the key may "
            f"have been deleted or disabled: create a new JSON key for {email}"
        )
    if isinstance(
        error, requests.ConnectionError | requests.Timeout | auth_exceptions.TransportError
    ):
        return TrackerError(
            f"cannot reach the Google Sheets API ({type(error).__name__}); every row stays "
            "queued and the next sync tries again"
        )
    if not isinstance(error, APIError):
        return None
    status = error.response.status_code
    if status == 429 or status >= 500:
        return TrackerError(
            f"the Google Sheets API kept answering HTTP {status} after retries; every row stays "
            "queued and the next sync tries again"
        )
    message = str(error.error.get("message", ""))
    reasons = {
        detail.get("reason")
        for detail in error.error.get("details", []) or []
        if isinstance(detail, dict)
    }
    if status == 404:
        return TrackerError(
            f"No Google Sheet has the ID {sheet_id!r}: check tracker.sheet in community.yml"
        )
    if status == 403 and (
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT" in reasons
        or "insufficient authentication scopes" in message
    ):
        return TrackerError(
            f"The credentials for {email} lack the Google Sheets scope ({SCOPES[0]}); "
            "grant it (for domain-wide delegation, in the Admin console) and try again"
        )
    if status == 403 and "SERVICE_DISABLED" in reasons:
        return TrackerError(
            f"The Google Sheets API is disabled for the project of {email}: "
            "enable it in the Google Cloud console (APIs & Services)"
        )
    if status == 403:
        return TrackerError(
            f"The Google Sheet {sheet_id} is not shared with Porch's service account: "
            f"share it with {email} as an Editor"
        )
    if status == 401:
        return TrackerError(
            f"Google rejected the access token for {email} ({message}); check the key file"
        )
    return None


def connect(
    *,
    credentials: service_account.Credentials,
    api_url: str | None,
    retry: RetryPolicy,
    limiter: WriteLimiter | None,
    stats: RequestStats,
    sleep: Callable[[float], None] = time.sleep,
) -> SheetsHTTPClient:
    """gspread's client for the Sheets API at `api_url` (SHEETS_API_URL; Google's by default)."""
    factory = functools.partial(
        SheetsHTTPClient,
        base_url=api_base(api_url),
        retry=retry,
        limiter=limiter,
        stats=stats,
        sleep=sleep,
    )
    client = gspread.Client(auth=credentials, http_client=factory)  # type: ignore[arg-type]
    http = client.http_client
    assert isinstance(http, SheetsHTTPClient)
    return http
