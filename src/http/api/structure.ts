/**
 * Stock structure of a warehouse (issue 16 §1): the summary — totals, ABC classes, categories, slow and
 * dead stock, top lists — and the per-item table, paged as JSON or whole as CSV. Readable by anyone with a
 * role in the warehouse. Figures are decimal strings; see README "Stock structure" for how each is computed.
 */
import { z } from 'zod';
import {
  ABC_CLASSES,
  MAX_PERIOD_DAYS,
  MIN_PERIOD_DAYS,
  MOVEMENT_STATUSES,
  parseAbcClass,
  parseAsOf,
  parseIdleStatus,
  parsePeriodDays,
  structureCsv,
} from '../../domain/structure.ts';
import { stockStructure, structureItems } from '../../services/structure.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { requireReader } from './access.ts';
import { defineRoute, type ApiRoute } from './route.ts';
import { decimal, apiSchemas } from './schemas.ts';

const WAREHOUSE_PARAM = { warehouse: 'warehouse code' };

const named = <S extends z.ZodType>(id: string, description: string, schema: S): S => {
  apiSchemas.add(schema, { id, description });
  return schema;
};

const percent = decimal.nullable().describe('percent with 2 decimals; null when the whole is zero');

export const ItemStructureSchema = named(
  'ItemStructure',
  "one item's structure figures as of the report",
  z.object({
    sku: z.string(),
    name: z.string(),
    unit: z.string(),
    category: z.string().nullable(),
    unitCost: decimal,
    abcClass: z.enum(ABC_CLASSES),
    issueQty: decimal.describe('issued in the period'),
    issueValue: decimal.describe('issueQty × unit cost'),
    cumulativePercent: percent.describe('share of consumption of this item and those ranked above it'),
    stockQty: decimal.describe('on hand at as-of'),
    stockValue: decimal,
    averageQty: decimal.describe('time-weighted average on hand over the period'),
    averageValue: decimal,
    turnover: decimal.nullable().describe('issueValue ÷ averageValue; null when the average is not positive'),
    daysOfStock: decimal.nullable().describe('stockQty ÷ (issueQty ÷ period days); null without issues'),
    lastIssueAt: z.string().nullable().describe('ISO 8601 instant of the last issue up to as-of'),
    daysIdle: z.number().int().nullable().describe('whole days since the last issue (never issued: since the first movement)'),
    status: z.enum(MOVEMENT_STATUSES),
  }),
);

const idle = z.object({ items: z.number().int(), stockValue: decimal, stockPercent: percent });

export const StockStructureSchema = named(
  'StockStructure',
  'a warehouse’s stock structure: ABC classes by consumption value, turnover, days of stock, slow and dead stock',
  z.object({
    warehouse: z.object({ code: z.string(), name: z.string(), timezone: z.string(), currency: z.string() }),
    asOf: z.string(),
    from: z.string().describe('start of the period: asOf − periodDays × 24 h'),
    periodDays: z.number().int(),
    settings: z.object({ abcAPercent: decimal, abcBPercent: decimal, slowDays: z.number().int(), deadDays: z.number().int() }),
    totals: z.object({
      items: z.number().int(),
      issueValue: decimal,
      stockValue: decimal,
      averageValue: decimal,
      turnover: decimal.nullable(),
      daysOfStock: decimal.nullable(),
    }),
    classes: z.array(
      z.object({
        abcClass: z.enum(ABC_CLASSES),
        items: z.number().int(),
        issueValue: decimal,
        issuePercent: percent,
        stockValue: decimal,
        stockPercent: percent,
      }),
    ),
    categories: z.array(
      z.object({
        category: z.string().nullable(),
        items: z.number().int(),
        issueValue: decimal,
        stockValue: decimal,
        averageValue: decimal,
        turnover: decimal.nullable(),
        daysOfStock: decimal.nullable(),
      }),
    ),
    slow: idle,
    dead: idle,
    topConsumers: z.array(ItemStructureSchema),
    topSlow: z.array(ItemStructureSchema),
    topDead: z.array(ItemStructureSchema),
  }),
);

export const StructureItemPage = named(
  'StructureItemPage',
  'the per-item structure table, ranked by consumption value',
  z.object({ total: z.number().int(), items: z.array(ItemStructureSchema) }),
);

const period = {
  asOf: z.string().optional().describe("YYYY-MM-DD (the end of that day in the warehouse's timezone) or an ISO 8601 instant; default now"),
  days: z.string().optional().describe(`the consumption period in days before asOf, ${MIN_PERIOD_DAYS}–${MAX_PERIOD_DAYS} (default 365)`),
};

const summaryQuery = z
  .object({ ...period, top: z.coerce.number().int().min(1).max(1000).default(10).describe('rows of each top list') })
  .strict();

const itemsQuery = z
  .object({
    ...period,
    class: z.string().optional().describe('only this ABC class: A, B or C'),
    status: z.string().optional().describe('only slow movers (slow) or dead stock (dead)'),
    format: z.enum(['json', 'csv']).default('json').describe('json: a page; csv: every matching item (UTF-8, CRLF)'),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const structureRoutes: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/warehouses/{warehouse}/structure',
    operationId: 'getStockStructure',
    summary: 'Stock structure: ABC classes, turnover, days of stock, slow movers and dead stock',
    description:
      'ABC by consumption value (issues in the period × unit cost) with the warehouse’s cut-offs; turnover = consumption ÷ time-weighted average stock value; days of stock = stock at as-of ÷ average daily issue. Any role in the warehouse.',
    tags: ['structure'],
    params: WAREHOUSE_PARAM,
    query: summaryQuery,
    status: 200,
    response: { description: 'the structure as of asOf', schema: StockStructureSchema },
    errors: [403, 404],
    handle: async (c, { params, query, actor }) => {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, params.warehouse!);
      await requireReader(db, actor, wh.code, `the stock structure of ${wh.code}`);
      const asOf = parseAsOf(query.asOf, wh.timezone, new Date());
      return stockStructure(db, { warehouse: wh.code, asOf, periodDays: parsePeriodDays(query.days), top: query.top });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/warehouses/{warehouse}/structure/items',
    operationId: 'listStructureItems',
    summary: 'The per-item structure table (JSON page or whole CSV)',
    tags: ['structure'],
    params: WAREHOUSE_PARAM,
    query: itemsQuery,
    status: 200,
    response: {
      description: 'a page of items (json) or every matching item (csv, columns as in README "Stock structure")',
      schema: StructureItemPage,
    },
    errors: [403, 404],
    handle: async (c, { params, query, actor }) => {
      const db = c.get('deps').db;
      const wh = await getWarehouse(db, params.warehouse!);
      await requireReader(db, actor, wh.code, `the stock structure of ${wh.code}`);
      const cls = parseAbcClass(query.class);
      const status = parseIdleStatus(query.status);
      const request = {
        warehouse: wh.code,
        asOf: parseAsOf(query.asOf, wh.timezone, new Date()),
        periodDays: parsePeriodDays(query.days),
        ...(cls ? { abcClass: cls } : {}),
        ...(status ? { status } : {}),
      };
      if (query.format === 'csv') {
        const { items } = await structureItems(db, request);
        return c.body(structureCsv(items), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="structure-${wh.code.replace(/[^\w.-]/g, '_')}.csv"`,
          'cache-control': 'no-store',
        });
      }
      return structureItems(db, { ...request, limit: query.limit, offset: query.offset });
    },
  }),
];
