DROP INDEX "movement_line_idx";--> statement-breakpoint
DROP INDEX "evidence_photo_line_idx";--> statement-breakpoint
ALTER TABLE "on_hand" DROP CONSTRAINT "on_hand_warehouse_id_sku_location_pk";--> statement-breakpoint
ALTER TABLE "stocktake_line" DROP CONSTRAINT "stocktake_line_stocktake_id_sku_location_pk";--> statement-breakpoint
ALTER TABLE "book_baseline" DROP CONSTRAINT "book_baseline_warehouse_id_sku_location_pk";--> statement-breakpoint
ALTER TABLE "item" ADD COLUMN "lot_tracked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "on_hand" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "on_hand" ADD COLUMN "expiry" date;--> statement-breakpoint
ALTER TABLE "movement" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD COLUMN "expiry" date;--> statement-breakpoint
ALTER TABLE "count_entry" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "count_entry" ADD COLUMN "expiry" date;--> statement-breakpoint
ALTER TABLE "document_line" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entry" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "book_baseline" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "evidence_photo" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "scan_entry" ADD COLUMN "lot" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "on_hand" ADD CONSTRAINT "on_hand_warehouse_id_sku_location_lot_pk" PRIMARY KEY("warehouse_id","sku","location","lot");--> statement-breakpoint
ALTER TABLE "stocktake_line" ADD CONSTRAINT "stocktake_line_stocktake_id_sku_location_lot_pk" PRIMARY KEY("stocktake_id","sku","location","lot");--> statement-breakpoint
ALTER TABLE "book_baseline" ADD CONSTRAINT "book_baseline_warehouse_id_sku_location_lot_pk" PRIMARY KEY("warehouse_id","sku","location","lot");--> statement-breakpoint
CREATE INDEX "movement_line_idx" ON "movement" USING btree ("warehouse_id","sku","location","lot","id");--> statement-breakpoint
CREATE INDEX "evidence_photo_line_idx" ON "evidence_photo" USING btree ("stocktake_id","sku","location","lot");
