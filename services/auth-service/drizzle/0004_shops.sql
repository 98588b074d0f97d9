CREATE TABLE "auth"."shops" (
	"connection_id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"region" text NOT NULL,
	"shop_cipher" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shops_connection_id_shop_id_pk" PRIMARY KEY("connection_id","shop_id")
);
--> statement-breakpoint
ALTER TABLE "auth"."shops" ADD CONSTRAINT "shops_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "auth"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shops_tenant_shop_idx" ON "auth"."shops" USING btree ("tenant_id","shop_id");