CREATE TABLE "chat_pace" (
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"recent" timestamp with time zone[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "chat_pace_platform_chat_id_pk" PRIMARY KEY("platform","chat_id")
);
--> statement-breakpoint
CREATE TABLE "app_pace" (
	"platform" text NOT NULL,
	"app" text NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	CONSTRAINT "app_pace_platform_app_pk" PRIMARY KEY("platform","app")
);
--> statement-breakpoint
CREATE TABLE "platform_media" (
	"platform" text NOT NULL,
	"app" text NOT NULL,
	"content_hash" text NOT NULL,
	"media_id" text,
	"uploading_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_media_platform_app_content_hash_pk" PRIMARY KEY("platform","app","content_hash")
);
--> statement-breakpoint
CREATE TABLE "poller_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"renewed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "parts_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_chat_head_idx" ON "outbox" USING btree ("platform","chat_id","id") WHERE status in ('pending', 'sending');