/** The answers of the patterns (复盘) and performance (绩效) routes, registered by name for openapi.json. */
import { z } from 'zod';
import { decimal, named } from './schemas.ts';

const count = z.number().int().min(0);
const percent = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .describe('a percent as a decimal string, one decimal, e.g. "12.5"');
const person = z.object({ handle: z.string(), name: z.string() });
const warehouse = z.object({ id: z.string(), code: z.string(), name: z.string(), timezone: z.string(), currency: z.string() });

const postedVariance = z.object({
  stocktake: z.string(),
  sku: z.string(),
  location: z.string(),
  lot: z.string(),
  qty: decimal,
  value: decimal.describe('signed: a loss is negative'),
  cause: z.string(),
});

const recurring = z.object({
  kind: z.enum(['sku', 'location']),
  key: z.string().describe('the SKU or the location'),
  stocktakes: count.describe('posted stocktakes with a variance of it'),
  window: count.describe('posted stocktakes looked at'),
  netValue: decimal,
  absValue: decimal,
  evidence: z.array(postedVariance),
});

export const PatternReport = named(
  'PatternReport',
  'recurring variances, rising causes, counters whose first counts often needed a recount and loss clusters, each with its evidence',
  z.object({
    warehouse,
    thresholds: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .describe('the thresholds in force (README: Patterns and performance)'),
    posted: z.array(z.object({ code: z.string(), closedAt: z.string().nullable() })).describe('posted stocktakes looked at, newest first'),
    recurringSkus: z.array(recurring),
    recurringLocations: z.array(recurring),
    risingCauses: z.array(
      z.object({
        cause: z.string(),
        labelEn: z.string(),
        labelZh: z.string(),
        latest: decimal,
        latestStocktake: z.string(),
        previousMean: decimal,
        factor: decimal.nullable(),
        series: z.array(z.object({ stocktake: z.string(), lossValue: decimal, lines: count })).describe('oldest first'),
      }),
    ),
    counters: z.array(
      z.object({
        counter: person,
        lines: count,
        recounted: count,
        recountPercent: percent,
        stocktakes: z.array(z.string()),
        evidence: z.array(
          z.object({
            stocktake: z.string(),
            sku: z.string(),
            location: z.string(),
            lot: z.string(),
            firstQty: decimal,
            finalQty: decimal.nullable(),
          }),
        ),
      }),
    ),
    clusters: z.array(
      z.object({
        source: z.enum(['category', 'zone']),
        name: z.string(),
        lossValue: decimal,
        lossSharePercent: percent,
        bookSharePercent: percent.nullable(),
        lift: decimal.nullable(),
        lines: count,
        stocktakes: z.array(z.object({ stocktake: z.string(), lossValue: decimal, lines: count })),
        topSkus: z.array(z.object({ sku: z.string(), lossValue: decimal, lines: count })),
      }),
    ),
  }),
);

export const PerformanceReport = named(
  'PerformanceReport',
  'accuracy and performance figures: everyone’s for managers and admins, otherwise only the caller’s (stocktakes and cycleTime null)',
  z.object({
    warehouse,
    window: count,
    scope: z.enum(['all', 'own']),
    counters: z.array(
      z.object({
        person,
        lines: count,
        matched: count,
        accuracyPercent: percent.nullable(),
        recounted: count,
        recountPercent: percent.nullable(),
        timedLines: count,
        timedSeconds: count,
        linesPerHour: decimal.nullable(),
      }),
    ),
    reviewers: z.array(
      z.object({
        person,
        explained: count,
        withSuggestion: count,
        kept: count,
        keptPercent: percent.nullable(),
        returned: count,
        changedAfterReject: count,
      }),
    ),
    stocktakes: z
      .array(
        z.object({
          code: z.string(),
          countingClosedAt: z.string(),
          postedAt: z.string().nullable(),
          lines: count,
          matched: count,
          accuracyPercent: percent.nullable(),
          cycleSeconds: count.nullable(),
          onTarget: z.boolean().nullable(),
        }),
      )
      .nullable(),
    cycleTime: z.object({ medianSeconds: count.nullable(), targetSeconds: count, baselineSeconds: count }).nullable(),
  }),
);
