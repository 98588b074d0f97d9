ALTER TABLE "analytics"."connections" ADD COLUMN "sync_trace_context" jsonb;--> statement-breakpoint
ALTER TABLE "analytics"."outbox" ADD COLUMN "trace_context" jsonb;