import { pgEnum, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { person } from './person.ts';
import { warehouse } from './warehouse.ts';

export const role = pgEnum('role', ['counter', 'supervisor', 'finance', 'manager', 'admin']);

/** A role held in one warehouse. */
export const roleGrant = pgTable(
  'role_grant',
  {
    personId: uuid('person_id')
      .notNull()
      .references(() => person.id),
    warehouseId: uuid('warehouse_id')
      .notNull()
      .references(() => warehouse.id),
    role: role('role').notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.warehouseId, t.role] })],
);
