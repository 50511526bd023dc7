"""A stand-in for Google's OAuth token endpoint and the Sheets v4 API, on 127.0.0.1.

Tests, the demo and the benchmark run the real gspread and google-auth against it: a
service-account key file whose `token_uri` points here gets a bearer token, and a client whose
Sheets base URL is `FakeGoogle.url` reads and writes a stateful, in-memory spreadsheet.

It is faithful where Porch's guarantees depend on Google's behaviour:

- values.* writes honour valueInputOption (RAW keeps "=..." as text, USER_ENTERED makes it a
  formula), skip null cells, clear "" cells, and refuse ranges beyond the grid ("exceeds grid
  limits"), so the sync worker must size the grid itself;
- spreadsheets.batchUpdate is atomic (a bad request leaves nothing applied) and supports the
  layout requests Porch sends (addSheet, updateSheetProperties, repeatCell, updateCells with
  cell-level links, updateDimensionProperties, setBasicFilter, addChart,
  deleteEmbeddedObject...) and the ones a manager triggers (moveDimension, insertDimension,
  deleteDimension, sortRange);
- 10 million cells per spreadsheet; 60 write requests per minute per user, answered with 429;
- 401 without a valid token, 403 for a Sheet not shared with the caller (or a token without a
  Sheets scope), 404 for an unknown ID, and `invalid_grant` from the token endpoint for a key
  it does not know or a signature that does not verify.

Failure injection: `fail_next` (e.g. a burst of 429s), `outage` (503 for a period of the fake's
clock) and `lose_responses` (the write is applied, then the connection drops before the
response: a crash between write and confirm, seen from the client). Every request is logged,
so tests and the benchmark can count write requests and the most writes in any minute.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from porch.sandbox.slack_api import shutdown_promptly

SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
WRITE_SCOPES = frozenset(
    {
        SPREADSHEETS_SCOPE,
        "https://www.googleapis.com/auth/drive",
        "https://www.googleapis.com/auth/drive.file",
    }
)
READ_SCOPES = WRITE_SCOPES | {
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
}
MAX_CELLS = 10_000_000
MAX_CELL_CHARS = 50_000
API_PREFIX = "/v4/spreadsheets/"


class ApiError(Exception):
    """An error answer in Google's JSON error format."""

    def __init__(
        self, code: int, message: str, status: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


@dataclass(frozen=True)
class Formula:
    """A cell entered as a formula (only USER_ENTERED input creates these)."""

    text: str


@dataclass
class Account:
    email: str
    public_key: rsa.RSAPublicKey
    granted_scopes: frozenset[str] | None = None  # None: whatever the client asks for
    disabled: bool = False


@dataclass
class Token:
    email: str
    scopes: frozenset[str]
    expires: float


@dataclass
class Logged:
    at: float
    method: str
    api: str
    kind: str  # "token", "read" or "write"
    status: int
    bytes: int
    spreadsheet_id: str | None = None
    dropped: bool = False

    @property
    def applied_write(self) -> bool:
        return self.kind == "write" and (200 <= self.status < 300)


@dataclass
class FakeSheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    cols: int = 26
    frozen_rows: int = 0
    frozen_cols: int = 0
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    # Cell-level links (userEnteredFormat.textFormat.link.uri), which move with their cells.
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    header_formats: dict[int, dict[str, Any]] = field(default_factory=dict)
    column_formats: dict[int, dict[str, Any]] = field(default_factory=dict)
    basic_filter: dict[str, Any] | None = None
    charts: list[dict[str, Any]] = field(default_factory=list)
    _max_row: int = -1

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def set(self, row: int, col: int, value: Any) -> None:
        if value == "" or value is None:
            self.cells.pop((row, col), None)
            self._max_row = -2 if row == self._max_row else self._max_row
        else:
            self.cells[(row, col)] = value
            if self._max_row != -2:
                self._max_row = max(self._max_row, row)

    def last_row(self) -> int:
        """0-based index of the last row holding any value (-1 when empty)."""
        if self._max_row == -2:
            self._max_row = max((r for r, _ in self.cells), default=-1)
        return self._max_row

    def remap(self, *, dimension: str, mapping: Callable[[int], int | None]) -> None:
        """Move every cell (and column property) to mapping(old index); None drops it."""
        for attribute in ("cells", "links"):
            moved_cells: dict[tuple[int, int], Any] = {}
            for (r, c), value in getattr(self, attribute).items():
                if dimension == "ROWS":
                    new = mapping(r)
                    if new is not None:
                        moved_cells[(new, c)] = value
                else:
                    new = mapping(c)
                    if new is not None:
                        moved_cells[(r, new)] = value
            setattr(self, attribute, moved_cells)
        self._max_row = -2
        if dimension == "COLUMNS":
            for attribute in ("widths", "header_formats", "column_formats"):
                old = getattr(self, attribute)
                moved = {}
                for c, value in old.items():
                    new = mapping(c)
                    if new is not None:
                        moved[new] = value
                setattr(self, attribute, moved)


@dataclass
class FakeSpreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[FakeSheet]
    editors: set[str] = field(default_factory=set)
    readers: set[str] = field(default_factory=set)
    time_zone: str = "Etc/UTC"

    def sheet(self, title: str) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise bad_request(f"Unable to parse range: {title}")

    def by_id(self, sheet_id: int) -> FakeSheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad_request(f"No grid with id: {sheet_id}")

    def cell_count(self) -> int:
        return sum(sheet.rows * sheet.cols for sheet in self.sheets)

    def resource(self) -> dict[str, Any]:
        sheets = []
        for sheet in sorted(self.sheets, key=lambda s: s.index):
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.basic_filter is not None:
                entry["basicFilter"] = copy.deepcopy(sheet.basic_filter)
            if sheet.charts:
                entry["charts"] = copy.deepcopy(sheet.charts)
            sheets.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title, "locale": "en_US", "timeZone": self.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


# ---- A1 notation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A parsed range: 0-based inclusive start, exclusive end (None: to the grid's edge)."""

    sheet: FakeSheet
    row0: int
    col0: int
    row1: int | None
    col1: int | None
    single: bool  # written as one cell ("A1"): values extend from it

    def end_row(self) -> int:
        return self.sheet.rows if self.row1 is None else self.row1

    def end_col(self) -> int:
        return self.sheet.cols if self.col1 is None else self.col1


_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")


def _col_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def col_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_range(text: str) -> tuple[str | None, str]:
    if "!" not in text:
        return None, text
    name, _, cells = text.rpartition("!")
    if name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    return name, cells


def parse_range(book: FakeSpreadsheet, text: str) -> Span:
    name, cells = split_range(text)
    if name is None:
        unquoted = cells[1:-1].replace("''", "'") if cells.startswith("'") else cells
        if any(sheet.title == unquoted for sheet in book.sheets):
            name, cells = unquoted, ""
        else:
            name = sorted(book.sheets, key=lambda s: s.index)[0].title
    sheet = book.sheet(name)
    if not cells:
        return Span(sheet, 0, 0, None, None, single=False)
    first, _, second = cells.partition(":")
    start = _CELL.match(first)
    if not start:
        raise bad_request(f"Unable to parse range: {text}")
    start_col, start_row = start.groups()
    row0 = int(start_row) - 1 if start_row else 0
    col0 = _col_index(start_col) if start_col else 0
    if not second:
        if start_col and start_row:
            return Span(sheet, row0, col0, row0 + 1, col0 + 1, single=True)
        raise bad_request(f"Unable to parse range: {text}")
    end = _CELL.match(second)
    if not end:
        raise bad_request(f"Unable to parse range: {text}")
    end_col, end_row = end.groups()
    row1 = int(end_row) if end_row else None
    col1 = _col_index(end_col) + 1 if end_col else None
    return Span(sheet, row0, col0, row1, col1, single=False)


def format_range(sheet: FakeSheet, row0: int, col0: int, row1: int, col1: int) -> str:
    title = "'" + sheet.title.replace("'", "''") + "'"
    return f"{title}!{col_letters(col0)}{row0 + 1}:{col_letters(col1 - 1)}{row1}"


def _grid_limit_error(span: Span, row: int, col: int) -> ApiError:
    return bad_request(
        f"Range ('{span.sheet.title}'!{col_letters(col)}{row + 1}) exceeds grid limits. "
        f"Max rows: {span.sheet.rows}, max columns: {span.sheet.cols}"
    )


# ---- rendering -----------------------------------------------------------------------------


def _render(value: Any, number_format: dict[str, Any] | None, option: str) -> Any:
    if isinstance(value, Formula):
        return value.text if option == "FORMULA" else f"#FORMULA {value.text}"
    if option in ("UNFORMATTED_VALUE", "FORMULA"):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        pattern = (number_format or {}).get("pattern", "")
        kind = (number_format or {}).get("type", "")
        if kind in ("DATE", "DATE_TIME"):
            moment = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
            return moment.strftime("%Y-%m-%d %H:%M" if "hh" in pattern else "%Y-%m-%d")
        if pattern == "0":
            return str(round(value))
        if pattern == "0.0":
            return f"{value:.1f}"
        if float(value).is_integer():
            return str(int(value))
        return str(value)
    return value


def _input(value: Any, option: str) -> Any:
    if option == "USER_ENTERED" and isinstance(value, str):
        if value.startswith("="):
            return Formula(value)
        if value.startswith("'"):
            return value[1:]
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def _field_paths(mask: str) -> list[str]:
    """Expand a field mask like "gridProperties(rowCount,columnCount),title"."""
    paths: list[str] = []
    depth = 0
    current = ""
    parts = []
    for char in mask:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    parts.append(current)
    for part in (p.strip() for p in parts if p.strip()):
        if "(" in part:
            prefix, inner = part.split("(", 1)
            paths.extend(f"{prefix}.{sub}" for sub in _field_paths(inner[:-1]))
        else:
            paths.append(part)
    return paths


def _get_path(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


# ---- the fake ------------------------------------------------------------------------------

# RSA keys handed out to service accounts. Making a 2048-bit key takes a CPU-bound ~50-100 ms,
# which every test that made an account paid, so keys are made once per process and reused by
# position: the n-th account of every fake gets the n-th key, so the accounts of one fake never
# share a key (a token signed for one still fails for another).
_KEYS: list[rsa.RSAPrivateKey] = []
_KEYS_LOCK = threading.Lock()


def _service_account_key(n: int) -> rsa.RSAPrivateKey:
    with _KEYS_LOCK:
        while len(_KEYS) <= n:
            _KEYS.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        return _KEYS[n]


class FakeGoogle:
    """Token endpoint plus Sheets v4 API. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        writes_per_minute: int | None = 60,
        reads_per_minute: int | None = None,
    ) -> None:
        self.clock = clock
        self.writes_per_minute = writes_per_minute
        self.reads_per_minute = reads_per_minute
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Token] = {}
        self.books: dict[str, FakeSpreadsheet] = {}
        self.log: list[Logged] = []
        self._recent: dict[tuple[str, str], deque[float]] = {}
        self._fail_next: deque[tuple[int, str]] = deque()
        self._outage: tuple[float, int] | None = None
        self._lose: int = 0
        self._keys_handed_out = 0
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        fake = self

        class Handler(_FakeGoogleHandler):
            google = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-google",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            shutdown_promptly(self._server, self._server.server_address[:2])
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The Sheets API root to use as SHEETS_API_URL (the token endpoint lives here too)."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    # ---- setup -----------------------------------------------------------------------------

    def service_account(
        self,
        *,
        email: str = "porch-sync@porch-test.iam.gserviceaccount.com",
        scopes: Iterable[str] | None = None,
        registered: bool = True,
    ) -> dict[str, Any]:
        """A new service-account key (the dict a key file holds) whose token_uri is this fake.

        `scopes` limits what tokens for this account may do (to test a missing scope);
        `registered=False` gives a key Google does not know (deleted or never created).
        """
        with self._lock:
            key = _service_account_key(self._keys_handed_out)
            self._keys_handed_out += 1
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        if registered:
            with self._lock:
                self.accounts[email] = Account(
                    email=email,
                    public_key=key.public_key(),
                    granted_scopes=frozenset(scopes) if scopes is not None else None,
                )
        return {
            "type": "service_account",
            "project_id": "porch-test",
            "private_key_id": secrets.token_hex(20),
            "private_key": pem,
            "client_email": email,
            "client_id": str(secrets.randbelow(10**20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        }

    def write_key_file(self, path: Path, info: dict[str, Any] | None = None, **kwargs: Any) -> Path:
        path.write_text(json.dumps(info or self.service_account(**kwargs)), encoding="utf-8")
        return path

    def create_spreadsheet(
        self,
        *,
        title: str = "Community tracker",
        editors: Iterable[str] = (),
        readers: Iterable[str] = (),
        first_sheet: str | None = "Sheet1",
    ) -> str:
        spreadsheet_id = secrets.token_urlsafe(33)[:44]
        sheets = [FakeSheet(sheet_id=0, title=first_sheet, index=0)] if first_sheet else []
        with self._lock:
            self.books[spreadsheet_id] = FakeSpreadsheet(
                spreadsheet_id=spreadsheet_id,
                title=title,
                sheets=sheets,
                editors=set(editors),
                readers=set(readers),
            )
        return spreadsheet_id

    # ---- failure injection -----------------------------------------------------------------

    def fail_next(self, status: int = 429, times: int = 1, *, only: str = "any") -> None:
        """Answer the next `times` Sheets requests (of kind "read", "write" or "any") with
        `status` without applying them."""
        with self._lock:
            self._fail_next.extend([(status, only)] * times)

    def outage(self, *, seconds: float, status: int = 503) -> None:
        """Answer every Sheets request with `status` for `seconds` of the fake's clock."""
        with self._lock:
            self._outage = (self.clock() + seconds, status)

    def lose_responses(self, times: int = 1) -> None:
        """Apply the next `times` write requests, then drop the connection without answering."""
        with self._lock:
            self._lose += times

    # ---- inspection ------------------------------------------------------------------------

    def book(self, spreadsheet_id: str) -> FakeSpreadsheet:
        return self.books[spreadsheet_id]

    def worksheet(self, spreadsheet_id: str, title: str) -> FakeSheet:
        return self.books[spreadsheet_id].sheet(title)

    def grid(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """Every stored value of a worksheet as rows (trailing empties trimmed; "" for gaps)."""
        with self._lock:
            sheet = self.worksheet(spreadsheet_id, title)
            height = sheet.last_row() + 1
            width = max((c for _, c in sheet.cells), default=-1) + 1
            rows = [[sheet.cells.get((r, c), "") for c in range(width)] for r in range(height)]
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        return rows

    def links(self, spreadsheet_id: str, title: str) -> dict[tuple[int, int], str]:
        """Cell-level links of a worksheet: {(0-based row, 0-based column): uri}."""
        with self._lock:
            return dict(self.worksheet(spreadsheet_id, title).links)

    def records(self, spreadsheet_id: str, title: str) -> list[dict[str, Any]]:
        """Data rows keyed by the header row, the way a manager reads the worksheet."""
        rows = self.grid(spreadsheet_id, title)
        if not rows:
            return []
        headers = [str(h) for h in rows[0]]
        return [
            {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers) if h}
            for row in rows[1:]
            if any(value != "" for value in row)
        ]

    def writes(self, spreadsheet_id: str | None = None) -> list[Logged]:
        """Write requests the API applied (including those whose response was lost)."""
        with self._lock:
            return [
                entry
                for entry in self.log
                if entry.applied_write
                and (spreadsheet_id is None or entry.spreadsheet_id == spreadsheet_id)
            ]

    def max_writes_per_minute(self, spreadsheet_id: str | None = None) -> int:
        """The most applied write requests in any 60 seconds of the fake's clock."""
        times = sorted(entry.at for entry in self.writes(spreadsheet_id))
        best = 0
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= 60:
                start += 1
            best = max(best, end - start + 1)
        return best

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    # ---- request handling ------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes, auth: str | None
    ) -> tuple[int, dict[str, Any], bool]:
        """(status, JSON body, drop the connection instead of answering)."""
        if path == "/token" and method == "POST":
            status, answer = self._token(body)
            self._record(method, "token", "token", status, len(body), None)
            return status, answer, False
        if not path.startswith(API_PREFIX):
            return 404, ApiError(404, f"No such endpoint: {path}", "NOT_FOUND").body(), False
        rest = path[len(API_PREFIX) :]
        api, spreadsheet_id, target = self._route(method, rest)
        kind = "read" if method == "GET" else "write"
        with self._lock:
            try:
                email = self._authorize(auth, kind)
                self._inject_faults(kind)
                book = self.books.get(spreadsheet_id)
                if book is None:
                    raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
                allowed = book.editors if kind == "write" else book.editors | book.readers
                if email not in allowed:
                    raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
                self._quota(email, kind)
                payload = json.loads(body) if body else {}
                answer = self._dispatch(api, book, target, query, payload)
            except ApiError as error:
                self._record(method, api, kind, error.code, len(body), spreadsheet_id)
                return error.code, error.body(), False
            drop = kind == "write" and self._lose > 0
            if drop:
                self._lose -= 1
            self._record(method, api, kind, 200, len(body), spreadsheet_id, dropped=drop)
            return 200, answer, drop

    def _record(
        self,
        method: str,
        api: str,
        kind: str,
        status: int,
        size: int,
        spreadsheet_id: str | None,
        *,
        dropped: bool = False,
    ) -> None:
        with self._lock:
            self.log.append(
                Logged(self.clock(), method, api, kind, status, size, spreadsheet_id, dropped)
            )

    @staticmethod
    def _route(method: str, rest: str) -> tuple[str, str, str]:
        """(api name, spreadsheet ID, range or "") for a path below /v4/spreadsheets/."""
        if "/values" in rest:
            spreadsheet_id, _, tail = rest.partition("/values")
            if tail.startswith(":"):
                return f"values.{tail[1:]}", unquote(spreadsheet_id), ""
            tail = tail.removeprefix("/")
            if ":" in tail:
                encoded, _, verb = tail.rpartition(":")
                return f"values.{verb}", unquote(spreadsheet_id), unquote(encoded)
            api = "values.get" if method == "GET" else "values.update"
            return api, unquote(spreadsheet_id), unquote(tail)
        if rest.endswith(":batchUpdate"):
            return "batchUpdate", unquote(rest.removesuffix(":batchUpdate")), ""
        return "get", unquote(rest), ""

    def _token(self, body: bytes) -> tuple[int, dict[str, Any]]:
        form = parse_qs(body.decode())
        assertion = (form.get("assertion") or [""])[0]
        try:
            head, claims_part, signature = assertion.split(".")
            claims = json.loads(_b64decode(claims_part))
        except ValueError:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT."}
        with self._lock:
            account = self.accounts.get(claims.get("iss", ""))
            if account is None or account.disabled:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Invalid grant: account not found",
                }
            try:
                account.public_key.verify(
                    _b64decode(signature),
                    f"{head}.{claims_part}".encode(),
                    padding.PKCS1v15(),
                    hashes.SHA256(),
                )
            except (InvalidSignature, ValueError):
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Invalid JWT Signature.",
                }
            requested = frozenset(str(claims.get("scope", "")).split())
            scopes = requested if account.granted_scopes is None else account.granted_scopes
            token = "ya29.fake-" + secrets.token_urlsafe(24)
            self.tokens[token] = Token(account.email, scopes, self.clock() + 3600)
        return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _authorize(self, auth: str | None, kind: str) -> str:
        token = self.tokens.get((auth or "").removeprefix("Bearer ").strip())
        if token is None or token.expires < self.clock():
            raise ApiError(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential.",
                "UNAUTHENTICATED",
            )
        needed = WRITE_SCOPES if kind == "write" else READ_SCOPES
        if not token.scopes & needed:
            raise ApiError(
                403,
                "Request had insufficient authentication scopes.",
                "PERMISSION_DENIED",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                        "domain": "googleapis.com",
                    }
                ],
            )
        return token.email

    def _inject_faults(self, kind: str) -> None:
        if self._outage is not None:
            until, status = self._outage
            if self.clock() < until:
                raise ApiError(status, "The service is currently unavailable.", "UNAVAILABLE")
            self._outage = None
        if self._fail_next and self._fail_next[0][1] in ("any", kind):
            status, _ = self._fail_next.popleft()
            raise _status_error(status)

    def _quota(self, email: str, kind: str) -> None:
        limit = self.writes_per_minute if kind == "write" else self.reads_per_minute
        recent = self._recent.setdefault((email, kind), deque())
        now = self.clock()
        while recent and now - recent[0] >= 60:
            recent.popleft()
        if limit is not None and len(recent) >= limit:
            metric = "Write requests" if kind == "write" else "Read requests"
            raise ApiError(
                429,
                f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per "
                "user' of service 'sheets.googleapis.com'.",
                "RESOURCE_EXHAUSTED",
            )
        recent.append(now)

    # ---- the API -------------------------------------------------------------------------

    def _dispatch(
        self,
        api: str,
        book: FakeSpreadsheet,
        target: str,
        query: dict[str, list[str]],
        payload: dict[str, Any],
    ) -> dict[str, Any]:
        option = (query.get("valueInputOption") or [payload.get("valueInputOption", "")])[0]
        render = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        major = (query.get("majorDimension") or ["ROWS"])[0]
        if api == "get":
            return book.resource()
        if api == "values.get":
            return self._read(book, target, render, major)
        if api == "values.batchGet":
            return {
                "spreadsheetId": book.spreadsheet_id,
                "valueRanges": [
                    self._read(book, text, render, major) for text in query.get("ranges", [])
                ],
            }
        if api == "values.update":
            return self._write_all(book, [{**payload, "range": target}], option)["responses"][0]
        if api == "values.batchUpdate":
            return self._write_all(book, payload.get("data", []), option)
        if api == "values.append":
            return self._append(book, target, payload, option)
        if api == "values.clear":
            return self._clear(book, [target])
        if api == "values.batchClear":
            return self._clear(book, payload.get("ranges", []))
        if api == "batchUpdate":
            return self._batch_update(book, payload.get("requests", []))
        raise ApiError(404, f"Unknown method {api}", "NOT_FOUND")

    def _read(self, book: FakeSpreadsheet, text: str, render: str, major: str) -> dict[str, Any]:
        span = parse_range(book, text)
        sheet = span.sheet
        if span.row0 >= sheet.rows or span.col0 >= sheet.cols:
            raise _grid_limit_error(span, span.row0, span.col0)
        row1 = min(span.end_row(), sheet.last_row() + 1)
        col1 = span.end_col()
        rows = []
        for r in range(span.row0, row1):
            row = []
            for c in range(span.col0, col1):
                value = sheet.cells.get((r, c), "")
                if value != "" and r > 0:
                    value = _render(value, sheet.column_formats.get(c), render)
                elif value != "":
                    value = _render(value, None, render)
                row.append(value)
            rows.append(row)
        if major == "COLUMNS":
            width = max((len(row) for row in rows), default=0)
            rows = [[row[i] for row in rows] for i in range(width)]
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        answer: dict[str, Any] = {
            "range": format_range(sheet, span.row0, span.col0, max(row1, span.row0 + 1), col1),
            "majorDimension": major,
        }
        if rows:
            answer["values"] = rows
        return answer

    def _write_all(
        self, book: FakeSpreadsheet, data: list[dict[str, Any]], option: str
    ) -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        planned = []
        for entry in data:
            span = parse_range(book, entry.get("range", ""))
            values = entry.get("values", [])
            if entry.get("majorDimension") == "COLUMNS":
                width = max((len(column) for column in values), default=0)
                values = [
                    [column[i] if i < len(column) else None for column in values]
                    for i in range(width)
                ]
            height = len(values)
            width = max((len(row) for row in values), default=0)
            if height and width:
                last_row, last_col = span.row0 + height - 1, span.col0 + width - 1
                if not span.single and (
                    (span.row1 is not None and last_row >= span.row1)
                    or (span.col1 is not None and last_col >= span.col1)
                ):
                    raise bad_request(
                        f"Requested writing within range [{entry.get('range')}], but tried "
                        f"writing to row [{last_row + 1}]"
                    )
                if last_row >= span.sheet.rows or last_col >= span.sheet.cols:
                    raise _grid_limit_error(span, last_row, last_col)
            for row in values:
                for value in row:
                    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                        raise bad_request(
                            "Your input contains more than the maximum of 50000 characters "
                            "in a single cell."
                        )
            planned.append((span, values, height, width))
        responses = []
        cells = 0
        for span, values, height, width in planned:
            for i, row in enumerate(values):
                for j, value in enumerate(row):
                    if value is None:
                        continue
                    span.sheet.set(span.row0 + i, span.col0 + j, _input(value, option))
                    cells += 1
            responses.append(
                {
                    "spreadsheetId": book.spreadsheet_id,
                    "updatedRange": format_range(
                        span.sheet, span.row0, span.col0, span.row0 + height, span.col0 + width
                    ),
                    "updatedRows": height,
                    "updatedColumns": width,
                    "updatedCells": height * width,
                }
            )
        return {
            "spreadsheetId": book.spreadsheet_id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedCells": cells,
            "totalUpdatedSheets": len({span.sheet.sheet_id for span, *_ in planned}),
            "responses": responses,
        }

    def _append(
        self, book: FakeSpreadsheet, target: str, payload: dict[str, Any], option: str
    ) -> dict[str, Any]:
        span = parse_range(book, target)
        sheet = span.sheet
        values = payload.get("values", [])
        row0 = sheet.last_row() + 1
        needed = row0 + len(values)
        if needed > sheet.rows:
            if book.cell_count() + (needed - sheet.rows) * sheet.cols > MAX_CELLS:
                raise bad_request(
                    "This action would increase the number of cells in the workbook above the "
                    f"limit of {MAX_CELLS} cells."
                )
            sheet.rows = needed
        width = max((len(row) for row in values), default=0)
        anchor = col_letters(span.col0) + str(row0 + 1)
        title = "'" + sheet.title.replace("'", "''") + "'"
        result = self._write_all(book, [{"range": f"{title}!{anchor}", "values": values}], option)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "tableRange": format_range(sheet, 0, span.col0, max(row0, 1), span.col0 + width),
            "updates": result["responses"][0],
        }

    def _clear(self, book: FakeSpreadsheet, ranges: list[str]) -> dict[str, Any]:
        spans = [parse_range(book, text) for text in ranges]
        for span in spans:
            for r, c in list(span.sheet.cells):
                if span.row0 <= r < span.end_row() and span.col0 <= c < span.end_col():
                    span.sheet.set(r, c, "")
        return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": ranges}

    def _batch_update(self, book: FakeSpreadsheet, requests: list[dict[str, Any]]) -> dict:
        saved = copy.deepcopy(book.sheets)
        replies = []
        try:
            for number, request in enumerate(requests):
                if len(request) != 1:
                    raise bad_request(f"Invalid requests[{number}]: exactly one kind expected")
                ((name, body),) = request.items()
                handler = getattr(self, f"_req_{name}", None)
                if handler is None:
                    raise bad_request(
                        f'Invalid JSON payload received. Unknown name "{name}" at '
                        f"'requests[{number}]': Cannot find field."
                    )
                try:
                    replies.append(handler(book, body))
                except ApiError as error:
                    raise bad_request(
                        f"Invalid requests[{number}].{name}: {error.message}"
                    ) from None
                if book.cell_count() > MAX_CELLS:
                    raise bad_request(
                        f"Invalid requests[{number}].{name}: This action would increase the "
                        f"number of cells in the workbook above the limit of {MAX_CELLS} cells."
                    )
        except ApiError:
            book.sheets = saved
            raise
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    # Each _req_* applies one spreadsheets.batchUpdate request and returns its reply.

    def _req_addSheet(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        props = body.get("properties", {})
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(sheet.title == title for sheet in book.sheets):
            raise bad_request(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = secrets.randbelow(2**31 - 1)
        if any(sheet.sheet_id == sheet_id for sheet in book.sheets):
            raise bad_request(f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        index = min(props.get("index", len(book.sheets)), len(book.sheets))
        for sheet in book.sheets:
            if sheet.index >= index:
                sheet.index += 1
        sheet = FakeSheet(
            sheet_id=sheet_id,
            title=title,
            index=index,
            rows=grid.get("rowCount", 1000),
            cols=grid.get("columnCount", 26),
            frozen_rows=grid.get("frozenRowCount", 0),
            frozen_cols=grid.get("frozenColumnCount", 0),
        )
        book.sheets.append(sheet)
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        sheet = book.by_id(body["sheetId"])
        book.sheets.remove(sheet)
        for other in book.sheets:
            if other.index > sheet.index:
                other.index -= 1
        return {}

    def _req_updateSheetProperties(
        self, book: FakeSpreadsheet, body: dict[str, Any]
    ) -> dict[str, Any]:
        props = body.get("properties", {})
        sheet = book.by_id(props.get("sheetId", 0))
        for path in _field_paths(body.get("fields", "")):
            value = _get_path(props, path)
            if path == "title":
                sheet.title = value
            elif path == "index":
                sheet.index = value
            elif path == "gridProperties.rowCount":
                sheet.rows = value
                sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < value}
                sheet.last_row()
            elif path == "gridProperties.columnCount":
                sheet.cols = value
                sheet.cells = {k: v for k, v in sheet.cells.items() if k[1] < value}
            elif path == "gridProperties.frozenRowCount":
                sheet.frozen_rows = value or 0
            elif path == "gridProperties.frozenColumnCount":
                sheet.frozen_cols = value or 0
            else:
                raise bad_request(f"unsupported field {path}")
        sheet._max_row = -2
        return {}

    def _req_appendDimension(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        sheet = book.by_id(body["sheetId"])
        if body["dimension"] == "ROWS":
            sheet.rows += body["length"]
        else:
            sheet.cols += body["length"]
        return {}

    def _req_insertDimension(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        grid = body["range"]
        sheet = book.by_id(grid["sheetId"])
        start, end = grid["startIndex"], grid["endIndex"]
        count = end - start
        sheet.remap(dimension=grid["dimension"], mapping=lambda i: i if i < start else i + count)
        if grid["dimension"] == "ROWS":
            sheet.rows += count
        else:
            sheet.cols += count
        return {}

    def _req_deleteDimension(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        grid = body["range"]
        sheet = book.by_id(grid["sheetId"])
        start, end = grid["startIndex"], grid["endIndex"]
        count = end - start

        def mapping(i: int) -> int | None:
            if i < start:
                return i
            return None if i < end else i - count

        sheet.remap(dimension=grid["dimension"], mapping=mapping)
        if grid["dimension"] == "ROWS":
            sheet.rows -= count
        else:
            sheet.cols -= count
        return {}

    def _req_moveDimension(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        source = body["source"]
        sheet = book.by_id(source["sheetId"])
        start, end = source["startIndex"], source["endIndex"]
        destination = body["destinationIndex"]
        size = sheet.rows if source["dimension"] == "ROWS" else sheet.cols
        order = list(range(size))
        moved, rest = order[start:end], order[:start] + order[end:]
        at = destination if destination <= start else destination - (end - start)
        new_order = rest[:at] + moved + rest[at:]
        position = {old: new for new, old in enumerate(new_order)}
        sheet.remap(dimension=source["dimension"], mapping=position.get)
        return {}

    def _req_sortRange(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        grid = body["range"]
        sheet = book.by_id(grid["sheetId"])
        row0 = grid.get("startRowIndex", 0)
        row1 = grid.get("endRowIndex", sheet.last_row() + 1)
        rows = {
            r: {c: v for (rr, c), v in sheet.cells.items() if rr == r} for r in range(row0, row1)
        }
        order = list(range(row0, row1))
        for spec in reversed(body.get("sortSpecs", [])):
            column = spec["dimensionIndex"]
            descending = spec.get("sortOrder") == "DESCENDING"
            filled = [r for r in order if rows[r].get(column, "") != ""]
            empty = [r for r in order if rows[r].get(column, "") == ""]
            filled.sort(key=lambda r: str(rows[r][column]), reverse=descending)
            order = filled + empty
        for r in range(row0, row1):
            for c in list(rows[r]):
                sheet.cells.pop((r, c), None)
        for new, old in zip(range(row0, row1), order, strict=True):
            for c, value in rows[old].items():
                sheet.cells[(new, c)] = value
        sheet._max_row = -2
        return {}

    def _req_repeatCell(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        grid = body["range"]
        sheet = book.by_id(grid["sheetId"])
        fmt = body.get("cell", {}).get("userEnteredFormat", {})
        col0 = grid.get("startColumnIndex", 0)
        col1 = grid.get("endColumnIndex", sheet.cols)
        if col1 > sheet.cols or grid.get("endRowIndex", 0) > sheet.rows:
            raise bad_request("range exceeds grid limits")
        target = sheet.header_formats if grid.get("startRowIndex", 0) == 0 else None
        for c in range(col0, col1):
            if target is not None:
                target.setdefault(c, {}).update(copy.deepcopy(fmt))
            if "numberFormat" in fmt and grid.get("endRowIndex") != 1:
                sheet.column_formats[c] = dict(fmt["numberFormat"])
        return {}

    def _req_updateCells(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        """Only what the real API accepts: exactly one of range/start, a non-empty field mask,
        and CellData whose every name is in the discovery document's schema. Of the formats it
        keeps textFormat.link, which is what makes a cell clickable without a formula."""
        _known(body, UPDATE_CELLS_FIELDS, "updateCells")
        if ("range" in body) == ("start" in body):
            raise bad_request("exactly one of range or start must be set")
        mask = body.get("fields", "")
        if not mask:
            raise bad_request("At least one field must be specified in 'fields'.")
        grid = body.get("range") or body["start"]
        sheet = book.by_id(grid.get("sheetId", 0))
        row0 = grid.get("startRowIndex", grid.get("rowIndex", 0))
        col0 = grid.get("startColumnIndex", grid.get("columnIndex", 0))
        rows = body.get("rows", [])
        row1 = grid.get("endRowIndex", row0 + len(rows)) if "range" in body else row0 + len(rows)
        width = max((len(row.get("values", [])) for row in rows), default=0)
        col1 = grid.get("endColumnIndex", col0 + width) if "range" in body else col0 + width
        if row1 > sheet.rows or col1 > sheet.cols:
            raise bad_request("range exceeds grid limits")
        if row0 + len(rows) > row1 or col0 + width > col1:
            raise bad_request("the rows do not fit in the range")
        paths = _field_paths(mask)
        link_path = "userEnteredFormat.textFormat.link"
        sets_links = mask == "*" or any(
            link_path == path or link_path.startswith(path + ".") for path in paths
        )
        for r, row in enumerate(rows, start=row0):
            _known(row, {"values"}, "RowData")
            for c, cell in enumerate(row.get("values", []), start=col0):
                _known(cell, CELL_DATA_FIELDS, "CellData")
                fmt = cell.get("userEnteredFormat", {})
                _known(fmt, CELL_FORMAT_FIELDS, "CellFormat")
                text = fmt.get("textFormat", {})
                _known(text, TEXT_FORMAT_FIELDS, "TextFormat")
                link = text.get("link")
                if link is not None:
                    _known(link, {"uri"}, "Link")
                if "userEnteredValue" in cell and (mask == "*" or "userEnteredValue" in paths):
                    value = cell["userEnteredValue"]
                    _known(value, EXTENDED_VALUE_FIELDS, "ExtendedValue")
                    if "formulaValue" in value:
                        sheet.set(r, c, Formula(value["formulaValue"]))
                    else:
                        sheet.set(r, c, next(iter(value.values()), None))
                if sets_links:
                    if link and link.get("uri"):
                        sheet.links[(r, c)] = link["uri"]
                    else:
                        sheet.links.pop((r, c), None)
        return {}

    def _req_updateDimensionProperties(
        self, book: FakeSpreadsheet, body: dict[str, Any]
    ) -> dict[str, Any]:
        grid = body["range"]
        sheet = book.by_id(grid["sheetId"])
        size = body.get("properties", {}).get("pixelSize")
        if grid["dimension"] == "COLUMNS" and size is not None:
            if grid["endIndex"] > sheet.cols:
                raise bad_request("range exceeds grid limits")
            for c in range(grid["startIndex"], grid["endIndex"]):
                sheet.widths[c] = size
        return {}

    def _req_autoResizeDimensions(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict:
        return {}

    def _req_setBasicFilter(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        spec = copy.deepcopy(body["filter"])
        grid = spec.get("range", {})
        sheet = book.by_id(grid.get("sheetId", 0))
        grid.setdefault("startRowIndex", 0)
        grid.setdefault("endRowIndex", sheet.rows)
        grid.setdefault("startColumnIndex", 0)
        grid.setdefault("endColumnIndex", sheet.cols)
        grid["sheetId"] = sheet.sheet_id
        spec["range"] = grid
        sheet.basic_filter = spec
        return {}

    def _req_clearBasicFilter(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict:
        book.by_id(body["sheetId"]).basic_filter = None
        return {}

    def _req_addChart(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        chart = copy.deepcopy(body["chart"])
        anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
        sheet = book.by_id(anchor.get("sheetId", 0))
        existing = {c["chartId"] for s in book.sheets for c in s.charts}
        if chart.get("chartId") in existing:
            raise bad_request(f"An object with id {chart['chartId']} already exists.")
        chart.setdefault("chartId", secrets.randbelow(2**31 - 1))
        sheet.charts.append(chart)
        return {"addChart": {"chart": copy.deepcopy(chart)}}

    def _req_deleteEmbeddedObject(self, book: FakeSpreadsheet, body: dict[str, Any]) -> dict:
        for sheet in book.sheets:
            for chart in sheet.charts:
                if chart["chartId"] == body["objectId"]:
                    sheet.charts.remove(chart)
                    return {}
        raise bad_request(f"No object with id: {body['objectId']}")

    def _req_updateSpreadsheetProperties(self, book: FakeSpreadsheet, body: dict) -> dict:
        props = body.get("properties", {})
        if "title" in props:
            book.title = props["title"]
        if "timeZone" in props:
            book.time_zone = props["timeZone"]
        return {}


# Field names of the Sheets v4 discovery document's schemas that updateCells reads.
UPDATE_CELLS_FIELDS = {"rows", "fields", "start", "range"}
CELL_DATA_FIELDS = {
    "userEnteredValue",
    "effectiveValue",
    "formattedValue",
    "userEnteredFormat",
    "effectiveFormat",
    "hyperlink",
    "note",
    "textFormatRuns",
    "dataValidation",
    "pivotTable",
    "dataSourceTable",
    "dataSourceFormula",
}
CELL_FORMAT_FIELDS = {
    "numberFormat",
    "backgroundColor",
    "backgroundColorStyle",
    "borders",
    "padding",
    "horizontalAlignment",
    "verticalAlignment",
    "wrapStrategy",
    "textDirection",
    "textFormat",
    "hyperlinkDisplayType",
    "textRotation",
}
TEXT_FORMAT_FIELDS = {
    "foregroundColor",
    "foregroundColorStyle",
    "fontFamily",
    "fontSize",
    "bold",
    "italic",
    "strikethrough",
    "underline",
    "link",
}
EXTENDED_VALUE_FIELDS = {"numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"}


def _known(data: Any, names: set[str], schema: str) -> None:
    """Google's JSON parsing: a name the schema does not have is a 400, not ignored."""
    if not isinstance(data, dict):
        raise bad_request(f"Invalid value for {schema}: an object expected")
    for name in data:
        if name not in names:
            raise bad_request(
                f"Invalid JSON payload received. Unknown name \"{name}\" at '{schema}': "
                "Cannot find field."
            )


def _status_error(status: int) -> ApiError:
    if status == 429:
        return ApiError(
            429,
            "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
            "minute per user' of service 'sheets.googleapis.com'.",
            "RESOURCE_EXHAUSTED",
        )
    if status == 503:
        return ApiError(503, "The service is currently unavailable.", "UNAVAILABLE")
    if status >= 500:
        return ApiError(status, "Internal error encountered.", "INTERNAL")
    return ApiError(status, "Injected failure.", "FAILED_PRECONDITION")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _FakeGoogleHandler(BaseHTTPRequestHandler):
    google: FakeGoogle
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm and delayed
    # ACKs add ~40 ms to every request on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake keeps its own log of requests."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        status, answer, drop = self.google.handle(
            self.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            body,
            self.headers.get("Authorization"),
        )
        if drop:
            self.close_connection = True
            return
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
