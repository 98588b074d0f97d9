CREATE SCHEMA "publish";
--> statement-breakpoint
CREATE TABLE "publish"."media" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"object_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"duration_sec" double precision,
	"width" integer,
	"height" integer,
	"frame_rate" double precision,
	"codec" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publish"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"subject" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "publish"."post_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"post_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"publish_id" text,
	"fail_reason" text,
	"cause" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publish"."posts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"connection_id" uuid NOT NULL,
	"created_by" text NOT NULL,
	"mode" text NOT NULL,
	"source" text NOT NULL,
	"media_id" uuid,
	"video_url" text,
	"title" text,
	"privacy_level" text NOT NULL,
	"options" jsonb NOT NULL,
	"creator_username" text,
	"idempotency_key" text,
	"request_hash" text,
	"status" text NOT NULL,
	"phase" text NOT NULL,
	"publish_id" text,
	"upload_url" text,
	"upload_url_expires_at" timestamp with time zone,
	"video_size" bigint,
	"chunk_size" bigint,
	"total_chunk_count" integer,
	"next_chunk" integer DEFAULT 0 NOT NULL,
	"uploaded_bytes" bigint DEFAULT 0 NOT NULL,
	"tiktok_post_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"fail_reason" text,
	"fail_message" text,
	"init_count" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"poll_count" integer DEFAULT 0 NOT NULL,
	"poll_deadline_at" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publish"."quota_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"kind" text NOT NULL,
	"post_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "media_tenant_idx" ON "publish"."media" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "publish"."outbox" USING btree ("seq") WHERE published_at is null;--> statement-breakpoint
CREATE INDEX "post_status_history_post_idx" ON "publish"."post_status_history" USING btree ("post_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "posts_idempotency_uq" ON "publish"."posts" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "posts_publish_id_idx" ON "publish"."posts" USING btree ("publish_id");--> statement-breakpoint
CREATE INDEX "posts_due_idx" ON "publish"."posts" USING btree ("next_run_at");--> statement-breakpoint
CREATE INDEX "posts_tenant_idx" ON "publish"."posts" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "quota_events_idx" ON "publish"."quota_events" USING btree ("connection_id","kind","at");