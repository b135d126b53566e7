-- A document is looked up by its number alone (the API's /documents/PK-2026-0001, a chat's "approve
-- PK-2026-0001"); the unique key (warehouse_id, number) cannot serve that, so every lookup read every document
-- (6,000 in npm run bench:writes: a 1.7 ms sequential scan per approval).
CREATE INDEX "adjustment_document_number_idx" ON "adjustment_document" USING btree ("number");