CREATE SCHEMA "auth";
--> statement-breakpoint
CREATE TABLE "auth"."audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "auth"."audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"connection_id" uuid,
	"actor_kind" text NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth"."connections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text DEFAULT 'tiktok' NOT NULL,
	"open_id" text NOT NULL,
	"display_name" text,
	"avatar_url" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"access_token_sealed" "bytea",
	"refresh_token_sealed" "bytea",
	"token_key_id" text,
	"token_version" integer DEFAULT 1 NOT NULL,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"next_refresh_at" timestamp with time zone,
	"refresh_failures" integer DEFAULT 0 NOT NULL,
	"last_refreshed_at" timestamp with time zone,
	"connected_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth"."oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"return_url" text NOT NULL,
	"code_verifier_sealed" "bytea" NOT NULL,
	"key_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth"."outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "auth"."outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subject" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth"."refresh_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "auth"."refresh_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"outcome" text NOT NULL,
	"error_code" text,
	"tiktok_calls" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_connection_idx" ON "auth"."audit_log" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "connections_tenant_provider_open_id_uq" ON "auth"."connections" USING btree ("tenant_id","provider","open_id");--> statement-breakpoint
CREATE INDEX "connections_open_id_idx" ON "auth"."connections" USING btree ("provider","open_id");--> statement-breakpoint
CREATE INDEX "connections_due_idx" ON "auth"."connections" USING btree ("next_refresh_at") WHERE "auth"."connections"."status" = 'active';--> statement-breakpoint
CREATE INDEX "refresh_attempts_connection_idx" ON "auth"."refresh_attempts" USING btree ("connection_id","created_at");