import { customType, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';
import { stocktake } from './stocktake.ts';

/** Raw bytes (postgres.js gives a Buffer, PGlite a Uint8Array). */
const bytea = customType<{ data: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * A photo, stored once by the SHA-256 of its bytes (content-addressed: the same picture sent twice, from
 * two people or two instances, is one row), with a small JPEG thumbnail made when it arrived.
 */
export const photo = pgTable('photo', {
  sha256: text('sha256').primaryKey(),
  /** image/jpeg, image/png, image/webp, image/gif or image/avif, read from the bytes. */
  mime: text('mime').notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  data: bytea('data').notNull(),
  thumbnail: bytea('thumbnail').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * A photo attached as evidence to a line of a stocktake (sku set) or to a location while counting (sku
 * null): who added it, when and from where. Attaching is never undone by deleting: the audit trail has its
 * hash.
 */
export const evidencePhoto = pgTable(
  'evidence_photo',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    stocktakeId: uuid('stocktake_id')
      .notNull()
      .references(() => stocktake.id),
    sku: text('sku'),
    location: text('location').notNull(),
    /** The lot (批次) of a lot-tracked item; '' for an item that is not lot-tracked. */
    lot: text('lot').notNull().default(''),
    photoSha256: text('photo_sha256')
      .notNull()
      .references(() => photo.sha256),
    addedBy: uuid('added_by')
      .notNull()
      .references(() => person.id),
    /** api, console, telegram, feishu, dingtalk, cli. */
    source: text('source').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('evidence_photo_line_idx').on(t.stocktakeId, t.sku, t.location, t.lot), index('evidence_photo_sha_idx').on(t.photoSha256)],
);
