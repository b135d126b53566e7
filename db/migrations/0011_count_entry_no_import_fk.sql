ALTER TABLE "count_entry" DROP CONSTRAINT "count_entry_import_id_count_import_id_fk";
