CREATE TABLE "job_run" (
	"job" text NOT NULL,
	"slot" text NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "job_run_job_slot_pk" PRIMARY KEY("job","slot")
);
--> statement-breakpoint
CREATE TABLE "chat_schedule" (
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"job" text NOT NULL,
	"cron" text NOT NULL,
	"timezone" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_schedule_platform_chat_id_job_pk" PRIMARY KEY("platform","chat_id","job"),
	CONSTRAINT "chat_schedule_job_check" CHECK ("chat_schedule"."job" in ('daily', 'weekly'))
);
--> statement-breakpoint
CREATE TABLE "reminder_log" (
	"item" text NOT NULL,
	"kind" text NOT NULL,
	"local_day" date NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"recipients" text[] DEFAULT '{}' NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_log_item_kind_local_day_pk" PRIMARY KEY("item","kind","local_day"),
	CONSTRAINT "reminder_log_kind_check" CHECK ("reminder_log"."kind" in ('reminder', 'escalation'))
);
--> statement-breakpoint
ALTER TABLE "chat_schedule" ADD CONSTRAINT "chat_schedule_updated_by_person_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."person"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_schedule" ADD CONSTRAINT "chat_schedule_platform_chat_id_chat_platform_chat_id_fk" FOREIGN KEY ("platform","chat_id") REFERENCES "public"."chat"("platform","chat_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_log" ADD CONSTRAINT "reminder_log_warehouse_id_warehouse_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouse"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_run_scheduled_idx" ON "job_run" USING btree ("scheduled_at");