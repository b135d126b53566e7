import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Media already uploaded to a platform (a Telegram file_id, a Feishu image_key, a DingTalk media id), by
 * the content's SHA-256, shared by every instance: a chart goes up once, whichever instance sends it.
 * Written once (insert … on conflict do nothing, then read back), never updated.
 */
export const platformMedia = pgTable(
  'platform_media',
  {
    platform: text('platform').notNull(),
    /** Media ids belong to one bot or app: Telegram bot id, Feishu app id, DingTalk robot code. */
    app: text('app').notNull(),
    contentHash: text('content_hash').notNull(),
    mediaId: text('media_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.app, t.contentHash] })],
);
