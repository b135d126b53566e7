CREATE TABLE "cycle_count_plan" (
	"warehouse_id" uuid PRIMARY KEY NOT NULL,
	"a_days" integer DEFAULT 30 NOT NULL,
	"b_days" integer DEFAULT 90 NOT NULL,
	"c_days" integer DEFAULT 365 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cycle_count_plan_days_positive" CHECK ("cycle_count_plan"."a_days" > 0 and "cycle_count_plan"."b_days" > 0 and "cycle_count_plan"."c_days" > 0)
);
--> statement-breakpoint
ALTER TABLE "stocktake" ADD COLUMN "scope" jsonb;--> statement-breakpoint
ALTER TABLE "cycle_count_plan" ADD CONSTRAINT "cycle_count_plan_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;