/** Cycle-count plans (周期盘点计划) of a warehouse: read, set, and start what is due. */
import { z } from 'zod';
import { SUPERVISING_ROLES } from '../../domain/people.ts';
import { planView, setPlan, startDueCycleCount } from '../../services/cyclePlans.ts';
import { requireRole } from '../../services/people.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { named, Started } from './schemas.ts';

const WAREHOUSE_PARAM = { code: 'warehouse code' };
const days = z.number().int().min(1);
const LOCATION = 'a location code, or a zone prefix ending in * (A-01*)';
const Plan = z.object({
  warehouse: z.string(),
  days: z.object({ A: days, B: days, C: days }),
  locations: z
    .array(z.object({ location: z.string().describe(LOCATION), days }))
    .describe('days between counts per location or zone, on top of the class days'),
});
const LocationDue = z.object({
  rule: z.string().describe('the location rule (location or zone prefix)'),
  days,
  lastCounted: z.string().nullable().describe("the item's oldest last count at the rule's locations where it is held"),
  nextDue: z.string().nullable().describe('null: never counted at one of them, due now'),
  due: z.boolean(),
});

const PlanView = named(
  'CyclePlanView',
  "a warehouse's cycle-count plan, each held item's last count and next due date, and items to count more often",
  z.object({
    plan: Plan.nullable().describe('null: no plan yet (the defaults A 30, B 90, C 365 apply once set)'),
    items: z.array(
      z.object({
        sku: z.string(),
        abcClass: z.enum(['A', 'B', 'C']),
        lastCounted: z.string().nullable().describe('close of counting of the latest posted stocktake with a line of it'),
        nextDue: z.string().nullable().describe('the earliest due date by its class or a location rule; null: never counted, due now'),
        due: z.boolean().describe('due by its class or by a location rule covering a location where it is held'),
        dueBy: z.array(z.enum(['class', 'location'])).describe('what it is due by now'),
        location: LocationDue.nullable().describe('the location rule giving the earliest due date; null: no rule covers where it is held'),
      }),
    ),
    due: z.number().int().min(0),
    rules: z
      .array(
        z.object({
          kind: z.enum(['class', 'location']),
          rule: z.string().describe('the ABC class, or the location rule'),
          days,
          items: z.number().int().min(0).describe('held items the rule covers'),
          due: z.number().int().min(0).describe('of those, due by the rule now'),
        }),
      )
      .describe('per class, then per location rule'),
    suggestions: z.array(
      z.object({
        sku: z.string(),
        abcClass: z.enum(['A', 'B', 'C']),
        counts: z.number().int(),
        withVariance: z.number().int(),
        currentDays: days,
        suggestedDays: days,
      }),
    ),
  }),
);

const PlanRun = named(
  'CyclePlanRun',
  'what starting the due items did',
  z.object({
    warehouse: z.string(),
    outcome: z.enum(['started', 'no plan', 'nothing due', 'stocktake open']),
    stocktake: Started.optional(),
    items: z.number().int().optional(),
  }),
);

export const cyclePlanRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/warehouses/{code}/cycle-plan',
    operationId: 'getCyclePlan',
    summary: 'The cycle-count plan (周期盘点计划): last counts, next due dates, suggestions',
    description: 'Anyone with a role in the warehouse.',
    tags: ['stocktakes'],
    params: WAREHOUSE_PARAM,
    status: 200,
    response: { description: 'the plan and its items', schema: PlanView },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      await requireReader(db, actor, params.code!, `warehouse ${params.code}`);
      return planView(db, params.code!);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/warehouses/{code}/cycle-plan',
    operationId: 'setCyclePlan',
    summary: 'Set the days between counts per ABC class and per location or zone',
    description:
      'Needs the role supervisor, manager or admin in the warehouse. Classes left out keep their days (defaults A 30, B 90, C 365). `locations` adds or changes location rules, `removeLocations` removes some; rules left out stay. An item is due when due by its class or by a location rule covering a location where it is held. One mistake and nothing changes.',
    tags: ['stocktakes'],
    params: WAREHOUSE_PARAM,
    body: z
      .object({
        A: days.max(3650).optional(),
        B: days.max(3650).optional(),
        C: days.max(3650).optional(),
        locations: z
          .array(z.object({ location: z.string().describe(LOCATION), days: days.max(3650) }).strict())
          .optional()
          .describe('location rules to add or change'),
        removeLocations: z.array(z.string().describe(LOCATION)).optional().describe('locations whose rule to remove'),
      })
      .strict(),
    status: 200,
    response: { description: 'the plan now', schema: named('CyclePlan', 'days between counts per ABC class and per location', Plan) },
    errors: [400, 403, 404],
    async handle(c, { actor, params, body }) {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, params.code!);
      await requireRole(db, actor, wh.id, wh.code, SUPERVISING_ROLES, 'set the cycle-count plan');
      return setPlan(db, wh.code, body, actor);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/warehouses/{code}/cycle-plan/run',
    operationId: 'runCyclePlan',
    summary: 'Start the due items now as a partial stocktake and announce it (what the daily task does)',
    description: 'Needs the role supervisor, manager or admin in the warehouse.',
    tags: ['stocktakes'],
    params: WAREHOUSE_PARAM,
    status: 200,
    response: { description: 'what was started, or why nothing was', schema: PlanRun },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, params.code!);
      await requireRole(db, actor, wh.id, wh.code, SUPERVISING_ROLES, 'start a cycle count');
      return startDueCycleCount(db, wh.code, new Date(), actor);
    },
  }),
];
