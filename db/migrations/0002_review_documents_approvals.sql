CREATE TYPE "public"."review_status" AS ENUM('none', 'open', 'recount', 'confirmed', 'documented', 'posted');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('counter', 'supervisor', 'finance', 'manager', 'admin');--> statement-breakpoint
CREATE TYPE "public"."cause_direction" AS ENUM('gain', 'loss', 'both');--> statement-breakpoint
CREATE TYPE "public"."document_kind" AS ENUM('gain', 'loss');--> statement-breakpoint
CREATE TYPE "public"."document_status" AS ENUM('approving', 'posted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."step_status" AS ENUM('waiting', 'pending', 'approved', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TABLE "person" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"handle" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_handle_unique" UNIQUE("handle")
);
--> statement-breakpoint
CREATE TABLE "person_identity" (
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"person_id" uuid NOT NULL,
	CONSTRAINT "person_identity_platform_external_id_pk" PRIMARY KEY("platform","external_id")
);
--> statement-breakpoint
CREATE TABLE "role_grant" (
	"person_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"role" "role" NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "role_grant_person_id_warehouse_id_role_pk" PRIMARY KEY("person_id","warehouse_id","role")
);
--> statement-breakpoint
CREATE TABLE "warehouse_policy" (
	"warehouse_id" uuid PRIMARY KEY NOT NULL,
	"review_sla_hours" integer DEFAULT 24 NOT NULL,
	"approval_sla_hours" integer DEFAULT 24 NOT NULL,
	"tolerance_value" numeric(18, 2),
	"tolerance_percent" numeric(7, 3),
	"finance_threshold" numeric(18, 2) DEFAULT '1000' NOT NULL,
	"manager_threshold" numeric(18, 2) DEFAULT '10000' NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cause" (
	"code" text PRIMARY KEY NOT NULL,
	"label_zh" text NOT NULL,
	"label_en" text NOT NULL,
	"applies_to" "cause_direction" NOT NULL,
	"note_required" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "adjustment_document" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"kind" "document_kind" NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"status" "document_status" DEFAULT 'approving' NOT NULL,
	"line_count" integer NOT NULL,
	"total_qty" numeric(18, 3) NOT NULL,
	"total_value" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"rejected_reason" text,
	CONSTRAINT "adjustment_document_number" UNIQUE("warehouse_id","number")
);
--> statement-breakpoint
CREATE TABLE "document_line" (
	"document_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"location" text NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"unit_cost" numeric(18, 4) NOT NULL,
	"value" numeric(18, 2) NOT NULL,
	"cause_code" text NOT NULL,
	"note" text,
	CONSTRAINT "document_line_document_id_line_no_pk" PRIMARY KEY("document_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "approval_step" (
	"document_id" uuid NOT NULL,
	"step_no" integer NOT NULL,
	"role" "role" NOT NULL,
	"status" "step_status" NOT NULL,
	"due_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"reason" text,
	CONSTRAINT "approval_step_document_id_step_no_pk" PRIMARY KEY("document_id","step_no")
);
--> statement-breakpoint
CREATE TABLE "ledger_entry" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"document_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"unit_cost" numeric(18, 4) NOT NULL,
	"value" numeric(18, 2) NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_entry_once_per_line" UNIQUE("document_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "command_log" (
	"key" text PRIMARY KEY NOT NULL,
	"command" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_person_id" uuid,
	"actor_identity" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"stocktake_id" uuid,
	"document_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"idempotency_key" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "review_status" "review_status" DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "cause_code" text;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "suggestion" jsonb;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "cause_matched_suggestion" boolean;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "explained_by" uuid;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "confirmed_by" uuid;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "auto_confirmed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "recount_by" uuid;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "returned_reason" text;--> statement-breakpoint
ALTER TABLE "count_import" ADD COLUMN "counter_person_id" uuid;--> statement-breakpoint
ALTER TABLE "person_identity" ADD CONSTRAINT "person_identity_person_id_person_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_person_id_person_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD CONSTRAINT "warehouse_policy_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustment_document" ADD CONSTRAINT "adjustment_document_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustment_document" ADD CONSTRAINT "adjustment_document_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adjustment_document" ADD CONSTRAINT "adjustment_document_submitted_by_person_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_line" ADD CONSTRAINT "document_line_document_id_adjustment_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."adjustment_document"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_step" ADD CONSTRAINT "approval_step_document_id_adjustment_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."adjustment_document"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_step" ADD CONSTRAINT "approval_step_decided_by_person_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_document_id_adjustment_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."adjustment_document"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_stocktake_idx" ON "audit_log" USING btree ("stocktake_id");--> statement-breakpoint
CREATE INDEX "audit_log_document_idx" ON "audit_log" USING btree ("document_id");