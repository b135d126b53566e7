import { pgTable, text } from 'drizzle-orm/pg-core';

/** Installation-wide values the product makes for itself, e.g. the action-token secret when none is configured. */
export const appSetting = pgTable('app_setting', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
