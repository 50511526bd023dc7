"""The personal-data declarations: one list covers every table and worksheet that can hold a
member's ID, name or words, and every declaration names real columns and a real retention key.
A new table with a user column or a JSON copy fails here until its feature declares it."""

from __future__ import annotations

import re

from sqlalchemy import JSON

from porch.core.store.schema import metadata
from porch.core.templating import Templates
from porch.features.registry import build_features
from porch.sheets_sync.layout import COLUMNS as HEADERS

# Columns that name a member: a user ID, an author, whoever did something (`*_by`), an inviter.
USERISH = re.compile(r"(^|_)(user|users|author|member|inviter|sender|recipient)(_id|_ids)?$|_by$")
# Tables with such a column or JSON that hold no member's data, and why.
NOT_PERSONAL = {
    # Porch's own bookkeeping between sync cycles: layout, Health marks, rows to blank.
    "tracker_state",
    # The workspace's own name and URL, and Porch's bot user (bot_user_id): no member.
    "workspaces",
    # Many workspaces: a workspace's installation, its bot (bot_user_id) and who installed it
    # (user_id, Slack's installation record), kept while it has Porch and deleted on uninstall.
    "slack_bots",
    "slack_installations",
}


def declarations(config):
    return build_features(config=config, templates=Templates()).personal_data


def test_every_table_that_can_hold_a_member_is_declared(config):
    declared = {d.table for d in declarations(config)}
    suspects = set()
    for table in metadata.sorted_tables:
        names_member = any(USERISH.search(column.name) for column in table.columns)
        copies = any(isinstance(column.type, JSON) for column in table.columns)
        if (names_member or copies) and table.name not in NOT_PERSONAL:
            suspects.add(table.name)
    assert suspects - declared == set(), "declare these as PersonalData on their feature"


def test_declarations_name_real_columns_and_retention_periods(config):
    periods = set(config.privacy.retention.model_dump())  # privacy.retention's keys
    for declared in declarations(config):
        if declared.worksheet is not None:
            assert declared.table == "tracker_rows"
            columns = set(HEADERS[declared.worksheet])
        else:
            columns = set(metadata.tables[declared.table].columns.keys())
        named = [
            *declared.user_columns,
            *declared.text_columns,
            *declared.copy_columns,
            *([declared.timestamp_column] if declared.timestamp_column else []),
        ]
        assert set(named) <= columns, declared
        if declared.retention is not None:
            assert declared.retention in periods, declared
            assert declared.timestamp_column and declared.text_columns, declared
        assert declared.purpose


def test_each_worksheet_with_member_rows_is_declared_once(config):
    sheets = [d.worksheet for d in declarations(config) if d.worksheet is not None]
    assert len(sheets) == len(set(sheets))
    assert {"Members", "Wins", "Feedback"} <= set(sheets)
