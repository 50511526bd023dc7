"""Benchmark: keeping the Google Sheet current, Porch's outbox against one append per event.

    .venv/bin/python bench/sheet_writes.py [--members 5000] [--events 10000] [--cycles 10]

Scenario: a community gains 5,000 members and produces 10,000 activity events (messages,
replies, reactions), each of which changes a member's "Last active" cell. They arrive in
`--cycles` equal batches; after each batch Porch runs one sync cycle. Both runs talk real
gspread and google-auth to the fake Sheets API on 127.0.0.1:

- Porch: the sync worker (`porch.runtime.tracker_sync.sync_once`), against a fake that
  enforces Google's
  60 write requests per minute per user;
- baseline: what Zapier-style anchors do, one values.append per event (join or activity),
  against a fake with the quota switched off so that its wall time can be measured at all.

Printed: write requests, wall time, the ratio, and the most writes in any minute. The run
also checks that every member is in the Sheet exactly once with the latest "Last active".
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import gspread
from sqlalchemy import Engine, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from porch.core import tracker_queue  # noqa: E402
from porch.core.config import Config  # noqa: E402
from porch.core.store import connect, migrate  # noqa: E402
from porch.core.store.schema import activity, members  # noqa: E402
from porch.core.worksheets import MemberRow  # noqa: E402
from porch.features.registry import load_config  # noqa: E402
from porch.runtime.settings import Settings  # noqa: E402
from porch.runtime.tracker_sync import make_tracker, sync_once  # noqa: E402
from porch.sandbox.google_api import FakeGoogle  # noqa: E402
from porch.sheets_sync.client import (  # noqa: E402
    RequestStats,
    RetryPolicy,
    SheetsHTTPClient,
    api_base,
    load_credentials,
)

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
KINDS = ("message", "message", "reply", "reaction")
Change = tuple[str, dict[str, Any]]  # (user ID, the values that changed)


def workload(members_count: int, events: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Member joins and activity events, in time order, spread over the last eight weeks."""
    rng = random.Random(seed)
    start = NOW - dt.timedelta(weeks=8)
    span = (NOW - start).total_seconds()
    joins = sorted(
        (
            {
                "user_id": f"U{i:06d}",
                "name": f"Member {i}" if i % 50 else f'=HYPERLINK("x","{i}")',
                "at": start + dt.timedelta(seconds=span * i / members_count),
            }
            for i in range(members_count)
        ),
        key=lambda join: join["at"],
    )
    activity_rows = []
    for n in range(events):
        join = joins[rng.randrange(members_count)]
        remaining = (NOW - join["at"]).total_seconds()
        at = join["at"] + dt.timedelta(seconds=rng.uniform(0, remaining))
        activity_rows.append(
            {"user_id": join["user_id"], "at": at, "kind": rng.choice(KINDS), "n": n}
        )
    activity_rows.sort(key=lambda event: event["at"])
    return joins, activity_rows


def batches(joins: list[dict], events: list[dict], cycles: int) -> list[tuple[list, list]]:
    return [
        (joins[i::cycles], events[i * len(events) // cycles : (i + 1) * len(events) // cycles])
        for i in range(cycles)
    ]


def member_row(join: dict, *, last_active: dt.datetime | None = None) -> MemberRow:
    return MemberRow(
        user_id=join["user_id"],
        name=join["name"],
        profile="",
        joined=join["at"],
        joined_via="team_join",
        welcomed=None,
        introduced=None,
        first_post=None,
        last_active=last_active,
        status="Welcomed",
    )


def record(
    engine: Engine, joins: list[dict], events: list[dict], everyone: dict[str, dict]
) -> None:
    """What the handlers do: store the facts and queue tracker rows (no Sheet I/O)."""
    with engine.begin() as conn:
        if joins:
            conn.execute(
                insert(members),
                [
                    {
                        "team_id": "T1",
                        "user_id": j["user_id"],
                        "display_name": j["name"],
                        "is_guest": False,
                        "is_deleted": False,
                        "joined_at": j["at"],
                        "joined_via": "team_join",
                        "updated_at": j["at"],
                    }
                    for j in joins
                ],
            )
        for join in joins:
            tracker_queue.put(conn, team_id="T1", row=member_row(join), now=join["at"])
        if events:
            conn.execute(
                insert(activity),
                [
                    {
                        "team_id": "T1",
                        "channel_id": "C1",
                        "message_ts": f"{e['at'].timestamp():.6f}-{e['n']}",
                        "kind": e["kind"],
                        "user_id": e["user_id"],
                        "at": e["at"],
                    }
                    for e in events
                ],
            )
        for event in events:
            stored = tracker_queue.get_row(
                conn, team_id="T1", sheet="Members", key=event["user_id"]
            )
            # An event may come before its member's join reaches the store (another batch).
            known = (
                MemberRow.from_cells(stored) if stored else member_row(everyone[event["user_id"]])
            )
            row = replace(known, last_active=event["at"])
            tracker_queue.put(conn, team_id="T1", row=row, now=event["at"])


def run_porch(
    config: Config, tmp: Path, joins: list[dict], events: list[dict], cycles: int
) -> dict[str, Any]:
    with FakeGoogle(writes_per_minute=60) as fake:
        info = fake.service_account()
        key = fake.write_key_file(tmp / "porch-key.json", info)
        sheet_id = fake.create_spreadsheet(editors=[info["client_email"]])
        engine = connect(f"sqlite:///{tmp / 'porch.db'}")
        migrate(engine)
        settings = Settings(
            config_path=tmp / "community.yml",
            database_url=str(engine.url),
            google_credentials=key,
            sheets_api_url=fake.url,
        )
        config = config.model_copy(
            update={"tracker": config.tracker.model_copy(update={"sheet": sheet_id})}
        )
        sheet = make_tracker(config=config, settings=settings)
        everyone = {join["user_id"]: join for join in joins}
        per_cycle = []
        sync_seconds = 0.0
        for batch_joins, batch_events in batches(joins, events, cycles):
            record(engine, batch_joins, batch_events, everyone)
            started = time.perf_counter()
            report = sync_once(
                engine=engine, config=config, settings=settings, now=NOW, tracker=sheet
            )
            sync_seconds += time.perf_counter() - started
            per_cycle.append(report)
        writes = fake.writes(sheet_id)
        records = fake.records(sheet_id, "Members")
        latest: dict[str, str] = {}
        for event in events:
            latest[event["user_id"]] = event["at"]
        counts = Counter(r["User ID"] for r in records)
        assert len(counts) == len(joins) and set(counts.values()) == {1}, "duplicates or gaps"
        assert all(entry.status != 429 for entry in fake.log), "Google said 429"
        engine.dispose()
        return {
            "writes": len(writes),
            "apis": Counter(entry.api for entry in writes),
            "reads": sum(r.read_requests for r in per_cycle),
            "per_cycle": [r.write_requests for r in per_cycle],
            "rows": sum(r.rows_written for r in per_cycle),
            "bytes": sum(entry.bytes for entry in writes),
            "seconds": sync_seconds,
            "max_per_minute": fake.max_writes_per_minute(sheet_id),
            "members_in_sheet": len(records),
        }


def run_baseline(tmp: Path, joins: list[dict], events: list[dict]) -> dict[str, Any]:
    with FakeGoogle(writes_per_minute=None) as fake:
        info = fake.service_account(email="anchor@bench.iam.gserviceaccount.com")
        key = fake.write_key_file(tmp / "anchor-key.json", info)
        sheet_id = fake.create_spreadsheet(editors=[info["client_email"]], first_sheet="Events")
        http = functools.partial(
            SheetsHTTPClient,
            base_url=api_base(fake.url),
            retry=RetryPolicy(),
            limiter=None,
            stats=RequestStats(),
        )
        client = gspread.Client(auth=load_credentials(key), http_client=http)  # type: ignore[arg-type]
        worksheet = client.open_by_key(sheet_id).worksheet("Events")
        worksheet.append_row(["When", "User ID", "Event", "Name"], value_input_option="RAW")
        changes = [(j["at"], j["user_id"], "joined", j["name"]) for j in joins] + [
            (e["at"], e["user_id"], e["kind"], "") for e in events
        ]
        changes.sort(key=lambda change: change[0])
        fake.reset_log()
        started = time.perf_counter()
        for at, user_id, kind, name in changes:
            worksheet.append_row([at.isoformat(), user_id, kind, name], value_input_option="RAW")
        seconds = time.perf_counter() - started
        return {
            "writes": len(fake.writes(sheet_id)),
            "bytes": sum(entry.bytes for entry in fake.writes(sheet_id)),
            "seconds": seconds,
            "max_per_minute": fake.max_writes_per_minute(sheet_id),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()

    config = load_config(ROOT / "community.yml")
    joins, events = workload(args.members, args.events)
    changes = len(joins) + len(events)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        porch = run_porch(config, tmp, joins, events, args.cycles)
        (tmp / "one-cycle").mkdir()
        one_shot = run_porch(config, tmp / "one-cycle", joins, events, 1)
        baseline = run_baseline(tmp, joins, events)

    ratio = baseline["writes"] / porch["writes"]
    quota_minutes = baseline["writes"] / 60
    print(
        f"sheets_sync: {args.members:,} members + {args.events:,} activity events "
        f"= {changes:,} tracker changes, {args.cycles} sync cycles"
    )
    print(
        f"  Porch     write requests {porch['writes']:>6,}  "
        f"({', '.join(f'{n} {api}' for api, n in sorted(porch['apis'].items()))}; "
        f"per cycle {porch['per_cycle']})"
    )
    print(
        f"            read requests {porch['reads']:>7,}  rows written {porch['rows']:,}  "
        f"payload {porch['bytes'] / 1e6:.2f} MB  wall {porch['seconds']:.2f} s  "
        f"max writes in any minute {porch['max_per_minute']}"
    )
    print(
        f"  Porch, all {changes:,} changes in one cycle: write requests {one_shot['writes']} "
        f"({', '.join(f'{n} {api}' for api, n in sorted(one_shot['apis'].items()))}), "
        f"wall {one_shot['seconds']:.2f} s"
    )
    print(
        f"  baseline  write requests {baseline['writes']:>6,}  (one values.append per change)  "
        f"wall {baseline['seconds']:.2f} s  max writes in any minute "
        f"{baseline['max_per_minute']:,}"
    )
    print(
        f"            at Google's 60 writes per minute the baseline needs at least "
        f"{quota_minutes:,.0f} minutes ({quota_minutes / 60:.1f} hours)"
    )
    print(
        f"  ratio     {ratio:,.0f}x fewer write requests than the baseline "
        f"({baseline['writes'] / one_shot['writes']:,.0f}x in one cycle); "
        f"goal >= 1000x, 1 write per cycle, <= 60 per minute"
    )
    print(f"  members in the Sheet: {porch['members_in_sheet']:,}, each exactly once")
    if args.json:
        print(
            json.dumps(
                {
                    "porch": {k: v for k, v in porch.items() if k != "apis"},
                    "one_cycle": {k: v for k, v in one_shot.items() if k != "apis"},
                    "baseline": baseline,
                    "ratio": ratio,
                }
            )
        )


if __name__ == "__main__":
    main()
