DROP INDEX "audit_log_stocktake_idx";--> statement-breakpoint
CREATE INDEX "audit_log_stocktake_at_idx" ON "audit_log" USING btree ("stocktake_id","at");