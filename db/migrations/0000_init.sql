CREATE TYPE "public"."movement_kind" AS ENUM('receipt', 'issue', 'transfer', 'adjustment');--> statement-breakpoint
CREATE TYPE "public"."stocktake_status" AS ENUM('counting', 'reviewing', 'approving', 'posted', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."count_status" AS ENUM('uncounted', 'counted', 'verified', 'conflict');--> statement-breakpoint
CREATE TABLE "warehouse" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouse_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "item" (
	"sku" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"unit_cost" numeric(18, 4) NOT NULL,
	"category" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "on_hand" (
	"warehouse_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "on_hand_warehouse_id_sku_location_pk" PRIMARY KEY("warehouse_id","sku","location")
);
--> statement-breakpoint
CREATE TABLE "movement" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"kind" "movement_kind" NOT NULL,
	"ref" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stocktake" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"status" "stocktake_status" DEFAULT 'counting' NOT NULL,
	"snapshot_at" timestamp with time zone NOT NULL,
	"movement_watermark" bigint NOT NULL,
	"counting_closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stocktake_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "stocktake_line" (
	"stocktake_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text NOT NULL,
	"book_qty" numeric(18, 3) NOT NULL,
	"unit_cost" numeric(18, 4) NOT NULL,
	"in_book" boolean NOT NULL,
	"count_status" "count_status" DEFAULT 'uncounted' NOT NULL,
	"counted_qty" numeric(18, 3),
	"counted_at" timestamp with time zone,
	"count_round" integer,
	CONSTRAINT "stocktake_line_stocktake_id_sku_location_pk" PRIMARY KEY("stocktake_id","sku","location")
);
--> statement-breakpoint
CREATE TABLE "count_import" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_hash" text NOT NULL,
	"counter" text NOT NULL,
	"round" integer NOT NULL,
	"rows_read" integer NOT NULL,
	"rows_accepted" integer NOT NULL,
	"rows_rejected" integer NOT NULL,
	"lines_counted" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "count_import_same_file" UNIQUE("stocktake_id","content_hash")
);
--> statement-breakpoint
CREATE TABLE "count_entry" (
	"import_id" uuid NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"location" text NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"round" integer NOT NULL,
	"counted_at" timestamp with time zone NOT NULL,
	"first_line" integer NOT NULL,
	"line_count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "doc_sequence" (
	"key" text PRIMARY KEY NOT NULL,
	"value" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "on_hand" ADD CONSTRAINT "on_hand_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_hand" ADD CONSTRAINT "on_hand_sku_item_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."item"("sku") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "movement" ADD CONSTRAINT "movement_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "movement" ADD CONSTRAINT "movement_sku_item_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."item"("sku") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stocktake" ADD CONSTRAINT "stocktake_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD CONSTRAINT "stocktake_line_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "count_import" ADD CONSTRAINT "count_import_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "count_entry" ADD CONSTRAINT "count_entry_import_id_count_import_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."count_import"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "movement_line_idx" ON "movement" USING btree ("warehouse_id","sku","location","id");--> statement-breakpoint
CREATE UNIQUE INDEX "stocktake_one_open_per_warehouse" ON "stocktake" USING btree ("warehouse_id") WHERE "stocktake"."status" in ('counting', 'reviewing', 'approving');--> statement-breakpoint
CREATE INDEX "count_entry_import_idx" ON "count_entry" USING btree ("import_id");