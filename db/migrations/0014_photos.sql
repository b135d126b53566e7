CREATE TABLE "evidence_photo" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stocktake_id" uuid NOT NULL,
	"sku" text,
	"location" text NOT NULL,
	"photo_sha256" text NOT NULL,
	"added_by" uuid NOT NULL,
	"source" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "photo" (
	"sha256" text PRIMARY KEY NOT NULL,
	"mime" text NOT NULL,
	"bytes" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"thumbnail" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evidence_photo" ADD CONSTRAINT "evidence_photo_stocktake_id_stocktake_id_fk" FOREIGN KEY ("stocktake_id") REFERENCES "public"."stocktake"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_photo" ADD CONSTRAINT "evidence_photo_photo_sha256_photo_sha256_fk" FOREIGN KEY ("photo_sha256") REFERENCES "public"."photo"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_photo" ADD CONSTRAINT "evidence_photo_added_by_person_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_photo_line_idx" ON "evidence_photo" USING btree ("stocktake_id","sku","location");--> statement-breakpoint
CREATE INDEX "evidence_photo_sha_idx" ON "evidence_photo" USING btree ("photo_sha256");