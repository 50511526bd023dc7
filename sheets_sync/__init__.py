"""The tracker: a Google Sheet (or a local .xlsx) kept current from the outbox in the store.

- `layout`: worksheets, headers (`COLUMNS`), column kinds, how values become cells;
- `outbox`: pending rows, confirmations, row positions, the cycle log;
- `google`: the Google Sheet tracker (through gspread); `client`: credentials, base URL,
  retries and one-line errors;
- `local`: the .xlsx tracker; `dashboard`: the Dashboard worksheet's figures.

`porch.runtime.tracker_sync` runs the cycles. Importing `sheets_sync.layout` does not import
gspread.
"""
