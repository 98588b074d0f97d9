ALTER TABLE "publish"."post_status_history" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "publish"."posts" ADD COLUMN "wait_reason" text;