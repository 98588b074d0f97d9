CREATE SCHEMA "analytics";
--> statement-breakpoint
CREATE TABLE "analytics"."account_stats_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"measured_at" timestamp with time zone NOT NULL,
	"followers" bigint NOT NULL,
	"following" bigint NOT NULL,
	"likes" bigint NOT NULL,
	"video_count" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."api_blocks" (
	"key" text PRIMARY KEY NOT NULL,
	"blocked_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."api_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."connections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"open_id" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text NOT NULL,
	"stale_reason" text,
	"status_at" timestamp with time zone NOT NULL,
	"next_sync_at" timestamp with time zone,
	"full_sync_requested" boolean DEFAULT false NOT NULL,
	"manual_sync_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"videos_listed_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"sync_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"tenant_id" text,
	"data" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."posts" (
	"post_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" uuid NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"publish_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."processed_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."publish_videos" (
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"publish_id" text NOT NULL,
	"video_id" text NOT NULL,
	CONSTRAINT "publish_videos_provider_publish_id_video_id_pk" PRIMARY KEY("provider","publish_id","video_id")
);
--> statement-breakpoint
CREATE TABLE "analytics"."video_metrics_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"video_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"measured_at" timestamp with time zone NOT NULL,
	"views" bigint NOT NULL,
	"likes" bigint NOT NULL,
	"comments" bigint NOT NULL,
	"shares" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."videos" (
	"connection_id" uuid NOT NULL,
	"video_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"created_on_provider_at" timestamp with time zone,
	"title" text,
	"share_url" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"next_sync_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	CONSTRAINT "videos_connection_id_video_id_pk" PRIMARY KEY("connection_id","video_id")
);
--> statement-breakpoint
CREATE INDEX "account_snapshots_series_idx" ON "analytics"."account_stats_snapshots" USING btree ("connection_id","measured_at");--> statement-breakpoint
CREATE INDEX "api_calls_key_at_idx" ON "analytics"."api_calls" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "connections_due_idx" ON "analytics"."connections" USING btree ("status","next_sync_at");--> statement-breakpoint
CREATE INDEX "connections_open_id_idx" ON "analytics"."connections" USING btree ("provider","open_id");--> statement-breakpoint
CREATE INDEX "connections_tenant_idx" ON "analytics"."connections" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "posts_publish_idx" ON "analytics"."posts" USING btree ("provider","publish_id");--> statement-breakpoint
CREATE INDEX "video_snapshots_series_idx" ON "analytics"."video_metrics_snapshots" USING btree ("connection_id","video_id","measured_at");--> statement-breakpoint
CREATE INDEX "videos_due_idx" ON "analytics"."videos" USING btree ("connection_id","next_sync_at");