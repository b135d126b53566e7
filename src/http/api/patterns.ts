/** Patterns (复盘) and performance (绩效) of a warehouse. */
import { z } from 'zod';
import { detectPatterns, performanceFigures } from '../../services/patterns/index.ts';
import { requireReader } from './access.ts';
import { PatternReport, PerformanceReport } from './patternSchemas.ts';
import { defineRoute, type ApiRoute } from './route.ts';

const WAREHOUSE_PARAM = { code: 'warehouse code' };

export const patternRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/warehouses/{code}/patterns',
    operationId: 'getPatterns',
    summary: 'Recurring variances, rising causes, counters with many recounts, loss clusters (复盘)',
    description:
      'Over the last posted (or counted) stocktakes of the warehouse, with the thresholds in force (`stocktake patterns --set`). Anyone with a role in the warehouse.',
    tags: ['patterns'],
    params: WAREHOUSE_PARAM,
    status: 200,
    response: { description: 'the findings with their evidence', schema: PatternReport },
    errors: [403, 404],
    async handle(c, { actor, params }) {
      const db = c.get('deps').db;
      await requireReader(db, actor, params.code!, `warehouse ${params.code}`);
      return detectPatterns(db, { warehouse: params.code! });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/warehouses/{code}/performance',
    operationId: 'getPerformance',
    summary: 'Accuracy and performance figures (绩效)',
    description:
      'Per counter (first-count accuracy, recount rate, lines per hour), per reviewer (suggestion kept rate, cause changes after a reject) and per stocktake (accuracy, cycle time against the 1-day target). Managers and admins see everyone; anyone else with a role sees only their own figures.',
    tags: ['patterns'],
    params: WAREHOUSE_PARAM,
    query: z
      .object({ stocktakes: z.coerce.number().int().min(1).max(100).optional().describe('closed stocktakes to look at (default 10)') })
      .strict(),
    status: 200,
    response: { description: 'the figures the caller may see', schema: PerformanceReport },
    errors: [403, 404],
    handle: (c, { actor, params, query }) =>
      performanceFigures(c.get('deps').db, {
        warehouse: params.code!,
        viewer: actor,
        ...(query.stocktakes ? { window: query.stocktakes } : {}),
      }),
  }),
];
