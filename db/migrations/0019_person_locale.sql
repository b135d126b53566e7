ALTER TABLE "person" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "web_message" ADD COLUMN "cards" jsonb;