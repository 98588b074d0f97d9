-- The outbox takes service-kit's shape (createOutbox). Rows still pending are kept: the old ids,
-- the write order, become `seq`; the id becomes the envelope's id (the Nats-Msg-Id); the
-- aggregate is the connection the event is about.
ALTER TABLE "auth"."outbox" ALTER COLUMN "id" DROP IDENTITY;--> statement-breakpoint
ALTER TABLE "auth"."outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
UPDATE "auth"."outbox" SET "seq" = "id";--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('"auth"."outbox"', 'seq'), coalesce((SELECT max("seq") FROM "auth"."outbox"), 0) + 1, false);--> statement-breakpoint
ALTER TABLE "auth"."outbox" ALTER COLUMN "id" SET DATA TYPE uuid USING ("envelope"->>'id')::uuid;--> statement-breakpoint
ALTER TABLE "auth"."outbox" ADD COLUMN "aggregate_id" text;--> statement-breakpoint
UPDATE "auth"."outbox" SET "aggregate_id" = coalesce("envelope"->'data'->>'connectionId', "id"::text);--> statement-breakpoint
ALTER TABLE "auth"."outbox" ALTER COLUMN "aggregate_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "auth"."outbox" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "auth"."outbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "auth"."outbox" ADD COLUMN "last_error" text;--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "auth"."outbox" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_seq_idx" ON "auth"."outbox" USING btree ("aggregate_id","seq");
