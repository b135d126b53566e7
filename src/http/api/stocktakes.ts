/** Stocktakes: list, start, show, close counting, submit explained variances as documents. */
import { SUPERVISING_ROLES } from '../../domain/people.ts';
import { z } from 'zod';
import { STOCKTAKE_STATUSES } from '../../domain/stocktake.ts';
import { listDocuments, submitVariances } from '../../services/documents.ts';
import { requireRole } from '../../services/people.ts';
import { reviewCounts } from '../../services/reviewViews.ts';
import { closeCounting, getStocktake, listStocktakes, startStocktake } from '../../services/stocktakes.ts';
import { progressFor } from '../../services/blind.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { readableWarehouses, requireReader } from './access.ts';
import { once } from './idempotency.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { ClosedCounting, Started, StocktakeDetail, StocktakeList, SubmitResult } from './schemas.ts';
import { parseSeed, startSpotCheck } from '../../services/spotCheck.ts';
import { parseScope } from '../../domain/scope.ts';

export const STOCKTAKE_PARAM = { stocktake: 'stocktake code (ST-20261201-001) or id' };

export const stocktakeRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/stocktakes',
    operationId: 'listStocktakes',
    summary: 'List stocktakes with their status and progress',
    description: 'Only stocktakes of warehouses where the caller holds a role.',
    tags: ['stocktakes'],
    query: z
      .object({
        status: z.enum(STOCKTAKE_STATUSES).optional().describe('only stocktakes in this status'),
        warehouse: z.string().trim().min(1).optional().describe('only this warehouse (code)'),
      })
      .strict(),
    status: 200,
    response: { description: 'the stocktakes', schema: StocktakeList },
    async handle(c, { actor, query }) {
      const db = c.get('deps').db;
      const readable = await readableWarehouses(db, actor);
      const rows = (await listStocktakes(db)).filter(
        (s) =>
          readable.has(s.warehouse) &&
          (!query.status || s.status === query.status) &&
          (!query.warehouse || s.warehouse.toLowerCase() === query.warehouse.toLowerCase()),
      );
      const stocktakes = [];
      for (const s of rows) stocktakes.push(await progressFor(db, actor, s.id));
      return { stocktakes };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/stocktakes',
    operationId: 'startStocktake',
    summary: 'Start a stocktake: freeze the book of a warehouse',
    description:
      'Needs the role supervisor, manager or admin in the warehouse. Refused while the warehouse has an open stocktake. With `blind: true` a blind count (盲盘): until counting closes, counters get no book, expected or variance figures from any endpoint.',
    tags: ['stocktakes'],
    body: z
      .object({
        warehouse: z.string().trim().min(1, 'is required').describe('warehouse code'),
        blind: z.boolean().default(false).describe('a blind count (盲盘): counters see no book figures until counting closes'),
        locations: z.array(z.string()).optional().describe('partial stocktake: location codes or prefixes ending in * (A-*)'),
        categories: z.array(z.string()).optional().describe('partial stocktake: item categories'),
        classes: z.array(z.string()).optional().describe('partial stocktake: ABC classes (A, B, C) as classified at start'),
        skus: z.array(z.string()).optional().describe('partial stocktake: a list of SKUs'),
      })
      .strict(),
    status: 201,
    response: { description: 'the stocktake started', schema: Started },
    errors: [403, 404, 409],
    async handle(c, { actor, body, ctx }) {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, body.warehouse);
      await requireRole(db, actor, wh.id, wh.code, SUPERVISING_ROLES, 'start a stocktake');
      const scope = parseScope(body);
      return once(db, ctx, 'api.stocktake.start', { warehouse: wh.code, blind: body.blind, scope }, () =>
        startStocktake(db, wh.code, new Date(), actor, { blind: body.blind, scope }),
      );
    },
  }),

  defineRoute({
    method: 'post',
    path: '/spot-checks',
    operationId: 'startSpotCheck',
    summary: 'Start a spot check (抽盘): a random sample of the items held, counted as a stocktake of its own',
    description:
      'Needs the role supervisor, manager or admin in the warehouse. Give `size` (items) or `share` ("5%"). `weighted`: `value` (likelier the more stock value) or `class` (ABC class, A 5 : B 2 : C 1). The same `seed` draws the same sample; without one a random seed is drawn and returned in `scope.sample.seed`. Once counting closes, the stocktake\'s status carries `spotCheck`: the accuracy with its 95% Wilson interval.',
    tags: ['stocktakes'],
    body: z
      .object({
        warehouse: z.string().trim().min(1, 'is required').describe('warehouse code'),
        size: z.number().int().min(1).optional().describe('how many items to draw'),
        share: z.string().optional().describe('or what share of the items held, e.g. "5%"'),
        weighted: z.enum(['none', 'value', 'class']).default('none'),
        seed: z.number().int().min(0).max(4294967295).optional().describe('the random seed'),
      })
      .strict(),
    status: 201,
    response: { description: 'the spot check started', schema: Started },
    errors: [400, 403, 404, 409],
    async handle(c, { actor, body, ctx }) {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, body.warehouse);
      await requireRole(db, actor, wh.id, wh.code, SUPERVISING_ROLES, 'start a spot check');
      // The idempotency key is matched on the body as sent: a retry without a seed returns the first sample.
      const request = { ...body, warehouse: wh.code };
      return once(db, ctx, 'api.stocktake.spot_check', request, () =>
        startSpotCheck(db, { ...request, seed: parseSeed(body.seed) }, new Date(), actor),
      );
    },
  }),

  defineRoute({
    method: 'get',
    path: '/stocktakes/{stocktake}',
    operationId: 'getStocktake',
    summary: 'A stocktake: status, progress, review counts and documents',
    description: 'For a counter while a blind count is counting, the variance totals are left out (bookFiguresHidden).',
    tags: ['stocktakes'],
    params: STOCKTAKE_PARAM,
    status: 200,
    response: { description: 'the stocktake', schema: StocktakeDetail },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      await requireReader(db, actor, st.warehouseCode, `stocktake ${st.code}`);
      return {
        ...(await progressFor(db, actor, st)),
        review: await reviewCounts(db, st.id),
        documents: await listDocuments(db, { stocktake: st.id }),
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/close-counting',
    operationId: 'closeCounting',
    summary: 'Close counting: uncounted lines count as zero, review opens',
    description: 'Needs the role supervisor, manager or admin. Refused while any line is in conflict (recount it first).',
    tags: ['stocktakes'],
    params: STOCKTAKE_PARAM,
    body: z.object({}).strict(),
    status: 200,
    response: { description: 'counting closed', schema: ClosedCounting },
    errors: [403, 404, 409],
    async handle(c, { actor, params, ctx }) {
      const db = c.get('deps').db;
      const st = await getStocktake(db, params.stocktake!);
      return once(db, ctx, 'api.stocktake.close_counting', { stocktake: st.id }, () => closeCounting(db, st.id, { actor }));
    },
  }),

  defineRoute({
    method: 'post',
    path: '/stocktakes/{stocktake}/submit',
    operationId: 'submitVariances',
    summary: 'Turn explained variances into gain and loss documents',
    description:
      'All explained lines (confirmed, with a cause, and a note where the cause needs one), or the lines named. Needs supervisor, manager or admin.',
    tags: ['documents'],
    params: STOCKTAKE_PARAM,
    body: z
      .object({ lines: z.array(z.string().trim().min(1)).optional().describe('SKU or SKU@LOCATION; all explained lines when left out') })
      .strict(),
    status: 200,
    response: { description: 'the documents made (none when nothing new was explained)', schema: SubmitResult },
    errors: [403, 404, 409],
    async handle(c, { params, body, ctx }) {
      return submitVariances(c.get('deps').db, ctx, { stocktake: params.stocktake!, ...(body.lines ? { lines: body.lines } : {}) });
    },
  }),
];
