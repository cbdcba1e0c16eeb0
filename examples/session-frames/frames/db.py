"""The Session table (PostgreSQL, through psycopg2) and the queries the application runs."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg2
import psycopg2.extras

# The table as the application's ORM created it: quoted camelCase names.
SCHEMA = """
CREATE TABLE IF NOT EXISTS "Session" (
    "id"              uuid PRIMARY KEY,
    "traceId"         text,
    "sessionId"       varchar(18),
    "frameCount"      int,
    "uniqueCommands"  int DEFAULT 0,
    "firstTimestamp"  timestamptz,
    "lastTimestamp"   timestamptz,
    "commandSummary"  jsonb,
    "framesObjectKey" text,
    "framesSizeBytes" bigint,
    "createdAt"       timestamptz DEFAULT now(),
    "updatedAt"       timestamptz
)
"""

COLUMNS = (
    "id", "traceId", "sessionId", "frameCount", "uniqueCommands", "firstTimestamp",
    "lastTimestamp", "commandSummary", "framesObjectKey", "framesSizeBytes", "createdAt",
    "updatedAt",
)

psycopg2.extras.register_uuid()


class SessionRepository:
    def __init__(self, dsn: str):
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True

    def close(self) -> None:
        self.conn.close()

    def create_schema(self) -> None:
        with self.conn.cursor() as cur:
            cur.execute(SCHEMA)

    def insert(
        self,
        id: uuid.UUID,
        trace_id: str,
        session_id: str,
        frame_count: int,
        unique_commands: int,
        first_timestamp: dt.datetime,
        last_timestamp: dt.datetime,
        command_summary: dict,
        frames_object_key: str,
        frames_size_bytes: int,
    ) -> dict:
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(
                """
                INSERT INTO "Session" ("id", "traceId", "sessionId", "frameCount", "uniqueCommands",
                    "firstTimestamp", "lastTimestamp", "commandSummary", "framesObjectKey",
                    "framesSizeBytes", "updatedAt")
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())
                RETURNING *
                """,
                (
                    id, trace_id, session_id, frame_count, unique_commands, first_timestamp,
                    last_timestamp, psycopg2.extras.Json(command_summary), frames_object_key,
                    frames_size_bytes,
                ),
            )
            return dict(cur.fetchone())

    def get(self, id: uuid.UUID) -> dict | None:
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute('SELECT * FROM "Session" WHERE "id" = %s', (id,))
            row = cur.fetchone()
            return dict(row) if row else None

    def find_by_session_id(self, session_id: str) -> list[dict]:
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(
                'SELECT * FROM "Session" WHERE "sessionId" = %s ORDER BY "firstTimestamp"',
                (session_id,),
            )
            return [dict(r) for r in cur.fetchall()]

    def delete(self, id: uuid.UUID) -> bool:
        with self.conn.cursor() as cur:
            cur.execute('DELETE FROM "Session" WHERE "id" = %s', (id,))
            return cur.rowcount == 1

    def count(self) -> int:
        with self.conn.cursor() as cur:
            cur.execute('SELECT count(*) FROM "Session"')
            return cur.fetchone()[0]
