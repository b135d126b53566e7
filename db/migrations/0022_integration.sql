CREATE TYPE "public"."centre_platform" AS ENUM('feishu', 'dingtalk');--> statement-breakpoint
CREATE TYPE "public"."centre_task_status" AS ENUM('pending', 'approved', 'rejected', 'done', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('pending', 'sending', 'delivered', 'failed');--> statement-breakpoint
CREATE TYPE "public"."delivery_target" AS ENUM('webhook', 'erp');--> statement-breakpoint
CREATE TYPE "public"."erp_kind" AS ENUM('kingdee', 'u8', 'erpnext', 'odoo');--> statement-breakpoint
CREATE TABLE "approval_centre_task" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"step_no" integer NOT NULL,
	"platform" "centre_platform" NOT NULL,
	"approver_id" uuid NOT NULL,
	"instance_id" text NOT NULL,
	"task_id" text NOT NULL,
	"status" "centre_task_status" DEFAULT 'pending' NOT NULL,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_centre_task_once" UNIQUE("document_id","step_no","platform","approver_id")
);
--> statement-breakpoint
CREATE TABLE "cause_account" (
	"warehouse_id" uuid NOT NULL,
	"cause_code" text NOT NULL,
	"account" text NOT NULL,
	"cost_centre" text,
	CONSTRAINT "cause_account_warehouse_id_cause_code_pk" PRIMARY KEY("warehouse_id","cause_code")
);
--> statement-breakpoint
CREATE TABLE "erp_connector" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"kind" "erp_kind" NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erp_connector_warehouse_kind" UNIQUE("warehouse_id","kind")
);
--> statement-breakpoint
CREATE TABLE "integration_delivery" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_seq" bigint NOT NULL,
	"subject" text NOT NULL,
	"target" "delivery_target" NOT NULL,
	"target_id" uuid NOT NULL,
	"status" "delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"last_error" text,
	"external_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "integration_delivery_once" UNIQUE("event_seq","target","target_id")
);
--> statement-breakpoint
CREATE TABLE "integration_event" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_event_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "webhook_subscription" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"warehouse_id" uuid,
	"url" text NOT NULL,
	"event_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_until" timestamp with time zone,
	"description" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD COLUMN "require_account_mapping" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "document_line" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "document_line" ADD COLUMN "cost_centre" text;--> statement-breakpoint
ALTER TABLE "approval_centre_task" ADD CONSTRAINT "approval_centre_task_document_id_adjustment_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."adjustment_document"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_centre_task" ADD CONSTRAINT "approval_centre_task_approver_id_person_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cause_account" ADD CONSTRAINT "cause_account_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp_connector" ADD CONSTRAINT "erp_connector_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_delivery" ADD CONSTRAINT "integration_delivery_event_seq_integration_event_seq_fk" FOREIGN KEY ("event_seq") REFERENCES "public"."integration_event"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_event" ADD CONSTRAINT "integration_event_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_subscription" ADD CONSTRAINT "webhook_subscription_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_subscription" ADD CONSTRAINT "webhook_subscription_created_by_person_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_centre_task_platform_idx" ON "approval_centre_task" USING btree ("platform","task_id");--> statement-breakpoint
CREATE INDEX "integration_delivery_due_idx" ON "integration_delivery" USING btree ("next_attempt_at") WHERE status in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "integration_delivery_subject_idx" ON "integration_delivery" USING btree ("target","target_id","subject","id");--> statement-breakpoint
CREATE INDEX "integration_event_subject_idx" ON "integration_event" USING btree ("subject","seq");