import { boolean, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';

export const causeDirection = pgEnum('cause_direction', ['gain', 'loss', 'both']);

/** The cause catalogue: why a variance happened. Seeded with the defaults; admins may edit and add. */
export const cause = pgTable('cause', {
  code: text('code').primaryKey(),
  labelZh: text('label_zh').notNull(),
  labelEn: text('label_en').notNull(),
  appliesTo: causeDirection('applies_to').notNull(),
  noteRequired: boolean('note_required').notNull().default(false),
  active: boolean('active').notNull().default(true),
});
