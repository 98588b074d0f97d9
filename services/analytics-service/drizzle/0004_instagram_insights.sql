CREATE TABLE "analytics"."api_usage" (
	"key" text PRIMARY KEY NOT NULL,
	"usage_pct" integer NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"resume_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "analytics"."account_stats_snapshots" ADD COLUMN "reach" bigint;--> statement-breakpoint
ALTER TABLE "analytics"."video_metrics_snapshots" ADD COLUMN "reach" bigint;--> statement-breakpoint
ALTER TABLE "analytics"."video_metrics_snapshots" ADD COLUMN "saved" bigint;