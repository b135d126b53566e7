-- An import's entries are written by one statement and lie together on disk, so a BRIN summary of each
-- 16 pages finds them (an undo reads them by import); minmax-multi keeps ranges that hold several small
-- imports (scans) apart. The btree it replaces cost about 0.11-0.15 s of the 0.33 s insert of a
-- 200,000-line sheet's entries (psql, Postgres 15); BRIN adds nothing to an insert into pages not yet
-- summarized, and autovacuum summarizes each range once it is full.
DROP INDEX "count_entry_import_idx";--> statement-breakpoint
CREATE INDEX "count_entry_import_idx" ON "count_entry" USING brin ("import_id" uuid_minmax_multi_ops) WITH (pages_per_range=16,autosummarize=true);