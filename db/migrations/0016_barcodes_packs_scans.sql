CREATE TABLE "item_barcode" (
	"barcode" text PRIMARY KEY NOT NULL,
	"sku" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_pack" (
	"sku" text NOT NULL,
	"unit" text NOT NULL,
	"factor" numeric(18, 3) NOT NULL,
	CONSTRAINT "item_pack_sku_unit_pk" PRIMARY KEY("sku","unit"),
	CONSTRAINT "item_pack_factor_positive" CHECK ("item_pack"."factor" > 0)
);
--> statement-breakpoint
CREATE TABLE "scan_entry" (
	"id" uuid PRIMARY KEY NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"location" text NOT NULL,
	"sku" text NOT NULL,
	"qty" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"unit_qty" numeric(18, 3) NOT NULL,
	"code" text NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"import_id" uuid
);
--> statement-breakpoint
ALTER TABLE "item" ADD COLUMN "scan_asks_qty" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "count_entry" ADD COLUMN "counted_as" text;--> statement-breakpoint
ALTER TABLE "item_barcode" ADD CONSTRAINT "item_barcode_sku_item_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."item"("sku") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_pack" ADD CONSTRAINT "item_pack_sku_item_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."item"("sku") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_barcode_sku_idx" ON "item_barcode" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "scan_entry_open_idx" ON "scan_entry" USING btree ("stocktake_id","person_id","location") WHERE import_id is null;