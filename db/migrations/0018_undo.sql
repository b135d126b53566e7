ALTER TYPE "public"."document_status" ADD VALUE 'withdrawn';--> statement-breakpoint
ALTER TABLE "count_import" DROP CONSTRAINT "count_import_same_file";--> statement-breakpoint
ALTER TABLE "stocktake" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stocktake" ADD COLUMN "cancelled_by" uuid;--> statement-breakpoint
ALTER TABLE "stocktake" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
ALTER TABLE "count_import" ADD COLUMN "voided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "count_import" ADD COLUMN "voided_by" uuid;--> statement-breakpoint
ALTER TABLE "count_import" ADD COLUMN "void_reason" text;--> statement-breakpoint
ALTER TABLE "adjustment_document" ADD COLUMN "withdrawn_by" uuid;--> statement-breakpoint
ALTER TABLE "adjustment_document" ADD COLUMN "withdrawn_reason" text;--> statement-breakpoint
CREATE UNIQUE INDEX "count_import_same_file" ON "count_import" USING btree ("stocktake_id","content_hash") WHERE "count_import"."voided_at" is null;