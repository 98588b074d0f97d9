ALTER TABLE "analytics"."connections" ADD COLUMN "lease_owner" uuid;--> statement-breakpoint
ALTER TABLE "analytics"."connections" ADD COLUMN "videos_list_cursor" bigint;