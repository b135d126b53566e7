import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';

/** A person's account on a platform: telegram:12345, feishu:ou_xxx, dingtalk:staffId, web:alice, cli:alice. */
export const personIdentity = pgTable(
  'person_identity',
  {
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    personId: uuid('person_id')
      .notNull()
      .references(() => person.id),
  },
  (t) => [primaryKey({ columns: [t.platform, t.externalId] })],
);
