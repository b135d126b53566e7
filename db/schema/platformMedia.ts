import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Media uploaded to a platform (a Telegram file_id, a Feishu image_key, a DingTalk media id), by the
 * content's SHA-256, shared by every instance: a chart goes up once, whichever instance sends it. The
 * first instance needing it claims the row (media_id null, uploading_until set) and uploads; the others
 * wait for the id instead of uploading the same chart again; a claim whose instance died runs out.
 */
export const platformMedia = pgTable(
  'platform_media',
  {
    platform: text('platform').notNull(),
    /** Media ids belong to one bot or app: Telegram bot id, Feishu app id, DingTalk robot code. */
    app: text('app').notNull(),
    contentHash: text('content_hash').notNull(),
    /** The platform's id; null while an instance is uploading it. */
    mediaId: text('media_id'),
    /** While media_id is null: the uploading instance's claim runs until then. */
    uploadingUntil: timestamp('uploading_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.app, t.contentHash] })],
);
