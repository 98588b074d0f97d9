-- The outbox takes service-kit's shape (createOutbox). A row now lives until JetStream acknowledged
-- it, so the rows already marked published go; pending rows stay, in their `seq` order, and their
-- aggregate is the post the event is about.
DELETE FROM "publish"."outbox" WHERE "published_at" IS NOT NULL;--> statement-breakpoint
DROP INDEX "publish"."outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "publish"."outbox" ADD COLUMN "aggregate_id" text;--> statement-breakpoint
UPDATE "publish"."outbox" SET "aggregate_id" = coalesce("envelope"->'data'->>'postId', "id"::text);--> statement-breakpoint
ALTER TABLE "publish"."outbox" ALTER COLUMN "aggregate_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "publish"."outbox" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "publish"."outbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "publish"."outbox" ADD COLUMN "last_error" text;--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "publish"."outbox" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "outbox_aggregate_seq_idx" ON "publish"."outbox" USING btree ("aggregate_id","seq");--> statement-breakpoint
ALTER TABLE "publish"."outbox" DROP COLUMN "published_at";
