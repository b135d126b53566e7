ALTER TABLE "person" ADD COLUMN "direct_platform" text;--> statement-breakpoint
ALTER TABLE "person" ADD COLUMN "quiet_hours" text;