"""The usage store: the one module boundary around the ledger's tables.

Every statement reading or writing `igny8_usage_records` and `igny8_usage_daily` lives in this
package (`records`: the raw records; `rollups`: the daily sums kept with every write). The
services above it (ingest, reports, re-costing, projections) speak in plain values, so another
backend for usage events (docs/scaling.md: ClickHouse) could take its place behind the same
functions.
"""
