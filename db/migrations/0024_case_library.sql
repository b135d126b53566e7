CREATE TYPE "public"."case_status" AS ENUM('open', 'done');--> statement-breakpoint
CREATE TABLE "case_variance" (
	"case_id" uuid NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text NOT NULL,
	"lot" text DEFAULT '' NOT NULL,
	"diff_qty" numeric(18, 3) NOT NULL,
	"diff_value" numeric(18, 2) NOT NULL,
	CONSTRAINT "case_variance_case_id_stocktake_id_sku_location_lot_pk" PRIMARY KEY("case_id","stocktake_id","sku","location","lot")
);
--> statement-breakpoint
CREATE TABLE "incident_case" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"title" text NOT NULL,
	"what_happened" text NOT NULL,
	"cause_code" text NOT NULL,
	"direction" text NOT NULL,
	"action" text NOT NULL,
	"action_owner_id" uuid NOT NULL,
	"action_due_day" date NOT NULL,
	"action_due_at" timestamp with time zone NOT NULL,
	"status" "case_status" DEFAULT 'open' NOT NULL,
	"done_by" uuid,
	"done_at" timestamp with time zone,
	"done_note" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_text" text NOT NULL,
	CONSTRAINT "incident_case_code_unique" UNIQUE("code"),
	CONSTRAINT "incident_case_direction_check" CHECK ("incident_case"."direction" in ('gain', 'loss'))
);
--> statement-breakpoint
ALTER TABLE "case_variance" ADD CONSTRAINT "case_variance_case_id_incident_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."incident_case"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_variance" ADD CONSTRAINT "case_variance_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_cause_code_cause_code_fk" FOREIGN KEY ("cause_code") REFERENCES "public"."cause"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_action_owner_id_person_id_fk" FOREIGN KEY ("action_owner_id") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_done_by_person_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_case" ADD CONSTRAINT "incident_case_created_by_person_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_variance_line_idx" ON "case_variance" USING btree ("stocktake_id","sku","location","lot");--> statement-breakpoint
CREATE INDEX "case_variance_sku_idx" ON "case_variance" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "case_variance_location_idx" ON "case_variance" USING btree ("location");--> statement-breakpoint
CREATE INDEX "incident_case_warehouse_idx" ON "incident_case" USING btree ("warehouse_id","status");--> statement-breakpoint
CREATE INDEX "incident_case_due_idx" ON "incident_case" USING btree ("action_due_at") WHERE status = 'open';