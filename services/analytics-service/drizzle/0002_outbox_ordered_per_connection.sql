-- The outbox takes service-kit's shape (createOutbox). Rows still pending are kept: their columns
-- become the envelope the old relay would have built (same id, type, version 1, occurredAt in
-- ISO 8601 UTC with milliseconds, tenantId, data), their `seq` follows the old order (occurred_at),
-- and their aggregate is the connection the event is about.
ALTER TABLE "analytics"."outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
UPDATE "analytics"."outbox" AS o SET "seq" = r.n
  FROM (SELECT "id", row_number() OVER (ORDER BY "occurred_at", "id") AS n FROM "analytics"."outbox") AS r
  WHERE o."id" = r."id";--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('"analytics"."outbox"', 'seq'), coalesce((SELECT max("seq") FROM "analytics"."outbox"), 0) + 1, false);--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "aggregate_id" text;--> statement-breakpoint
UPDATE "analytics"."outbox" SET "aggregate_id" = coalesce("data"::jsonb->>'connectionId', "id"::text);--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ALTER COLUMN "aggregate_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "envelope" jsonb;--> statement-breakpoint
UPDATE "analytics"."outbox" SET "envelope" = jsonb_build_object(
  'id', "id"::text,
  'type', "subject",
  'version', 1,
  'occurredAt', to_char("occurred_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'tenantId', "tenant_id",
  'data', "data"::jsonb);--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ALTER COLUMN "envelope" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "last_error" text;--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "analytics"."outbox" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_seq_idx" ON "analytics"."outbox" USING btree ("aggregate_id","seq");--> statement-breakpoint
ALTER TABLE "analytics"."outbox" DROP COLUMN "tenant_id";--> statement-breakpoint
ALTER TABLE "analytics"."outbox" DROP COLUMN "data";--> statement-breakpoint
ALTER TABLE "analytics"."outbox" DROP COLUMN "occurred_at";
