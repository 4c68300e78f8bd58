"""Helpers the test modules share, by topic: the test app (`app`), page reading and form posting
(`pages`), the JSON API checked against its OpenAPI document (`api`), database rows (`rows`), the
schema as the database has it (`schema`) and real concurrent HTTP (`concurrency`)."""
