CREATE INDEX "command_log_created_idx" ON "command_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "card_action_created_idx" ON "card_action" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_status_created_idx" ON "outbox" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "inbound_event_received_idx" ON "inbound_event" USING btree ("received_at");