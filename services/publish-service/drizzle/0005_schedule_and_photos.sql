ALTER TABLE "publish"."posts" ADD COLUMN "media_type" text DEFAULT 'VIDEO' NOT NULL;--> statement-breakpoint
ALTER TABLE "publish"."posts" ADD COLUMN "photos" jsonb;--> statement-breakpoint
ALTER TABLE "publish"."posts" ADD COLUMN "cover_index" integer;--> statement-breakpoint
ALTER TABLE "publish"."posts" ADD COLUMN "scheduled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "posts_calendar_idx" ON "publish"."posts" USING btree ("tenant_id","scheduled_at");--> statement-breakpoint
CREATE INDEX "posts_connection_schedule_idx" ON "publish"."posts" USING btree ("connection_id","scheduled_at");