CREATE TABLE "analytics"."comment_media" (
	"connection_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"media_id" text NOT NULL,
	"post_id" uuid NOT NULL,
	"sync_due_at" timestamp with time zone,
	"sync_lease_until" timestamp with time zone,
	"sync_cursor" text,
	"last_synced_at" timestamp with time zone,
	"sync_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "comment_media_connection_id_media_id_pk" PRIMARY KEY("connection_id","media_id")
);
--> statement-breakpoint
CREATE TABLE "analytics"."comments" (
	"connection_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"comment_id" text NOT NULL,
	"media_id" text NOT NULL,
	"parent_id" text,
	"text" text,
	"username" text,
	"like_count" bigint,
	"commented_at" timestamp with time zone NOT NULL,
	"time_exact" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comments_connection_id_comment_id_pk" PRIMARY KEY("connection_id","comment_id")
);
--> statement-breakpoint
CREATE INDEX "comment_media_post_idx" ON "analytics"."comment_media" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "comment_media_due_idx" ON "analytics"."comment_media" USING btree ("sync_due_at");--> statement-breakpoint
CREATE INDEX "comments_media_time_idx" ON "analytics"."comments" USING btree ("connection_id","media_id","commented_at","comment_id");