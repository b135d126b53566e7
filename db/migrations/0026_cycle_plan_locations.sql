CREATE TABLE "cycle_count_location" (
	"warehouse_id" uuid NOT NULL,
	"location" text NOT NULL,
	"days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cycle_count_location_warehouse_id_location_pk" PRIMARY KEY("warehouse_id","location"),
	CONSTRAINT "cycle_count_location_days_positive" CHECK ("cycle_count_location"."days" > 0)
);
--> statement-breakpoint
ALTER TABLE "cycle_count_location" ADD CONSTRAINT "cycle_count_location_warehouse_id_cycle_count_plan_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."cycle_count_plan"("warehouse_id") ON DELETE no action ON UPDATE no action;