ALTER TABLE "chat_schedule" DROP CONSTRAINT "chat_schedule_job_check";--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD COLUMN "abc_a_percent" numeric(5, 2) DEFAULT '80' NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD COLUMN "abc_b_percent" numeric(5, 2) DEFAULT '15' NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD COLUMN "slow_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD COLUMN "dead_days" integer DEFAULT 180 NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD CONSTRAINT "warehouse_policy_abc_cutoffs" CHECK ("warehouse_policy"."abc_a_percent" > 0 and "warehouse_policy"."abc_b_percent" >= 0 and "warehouse_policy"."abc_a_percent" + "warehouse_policy"."abc_b_percent" <= 100);--> statement-breakpoint
ALTER TABLE "warehouse_policy" ADD CONSTRAINT "warehouse_policy_slow_dead_days" CHECK ("warehouse_policy"."slow_days" > 0 and "warehouse_policy"."dead_days" > "warehouse_policy"."slow_days");--> statement-breakpoint
ALTER TABLE "chat_schedule" ADD CONSTRAINT "chat_schedule_job_check" CHECK ("chat_schedule"."job" in ('daily', 'weekly', 'monthly'));