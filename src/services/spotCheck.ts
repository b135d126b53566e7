/**
 * Spot checks (抽盘, issue 16 §2): a random sample of a warehouse's items counted as a partial stocktake of
 * its own; once counting closes, its accuracy estimates the warehouse's (src/domain/sample.ts).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import type { Actor } from '../domain/people.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { CLASS_WEIGHTS, drawSample, SAMPLE_WEIGHTINGS, sampleSize, type SampleWeighting } from '../domain/sample.ts';
import { scopeTexts } from '../domain/texts/scope.ts';
import { startStocktake, type StartedStocktake } from './stocktakes.ts';
import { structureItems } from './structure.ts';
import { getWarehouse } from './warehouses.ts';

export interface SpotCheckRequest {
  warehouse: string;
  /** A number of items, or a share of them ("5%"): one of the two. */
  size?: string | number;
  share?: string;
  /** Default none: a simple random sample. */
  weighted?: string;
  /** Default: a random seed, recorded so the sample can be drawn again. */
  seed?: string | number;
}

export function parseWeighting(text: string | undefined): SampleWeighting {
  if (text === undefined || text === '') return 'none';
  const w = text.trim().toLowerCase();
  if (!(SAMPLE_WEIGHTINGS as readonly string[]).includes(w)) throw new InvalidInputError(scopeTexts.badWeighting(text));
  return w as SampleWeighting;
}

export function parseSeed(text: string | number | undefined): number {
  if (text === undefined || text === '') return Math.floor(Math.random() * 2 ** 32);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new InvalidInputError(scopeTexts.badSeed(String(text)));
  return n;
}

/**
 * Draws the sample from the items the warehouse holds (non-zero book) and starts it as a partial stocktake
 * of those items, with how it was drawn recorded in its scope.
 */
export async function startSpotCheck(
  db: Db,
  request: SpotCheckRequest,
  now = new Date(),
  by: Actor | null = null,
): Promise<StartedStocktake> {
  const weighted = parseWeighting(request.weighted);
  const seed = parseSeed(request.seed);
  const wh = await getWarehouse(db, request.warehouse);
  const held = await queryRows<{ sku: string; value: string }>(
    db,
    sql`select o.sku, sum(abs(o.qty) * i.unit_cost)::text as value
        from on_hand o join item i on i.sku = o.sku
        where o.warehouse_id = ${wh.id}::uuid and o.qty <> 0
        group by o.sku order by o.sku collate "C"`,
  );
  if (held.length === 0) throw new InvalidInputError(scopeTexts.nothingToSample(wh.code));
  const size = sampleSize(held.length, request);
  const classOf = new Map<string, keyof typeof CLASS_WEIGHTS>();
  if (weighted === 'class') {
    const { items } = await structureItems(db, { warehouse: wh.code, asOf: now });
    for (const i of items) classOf.set(i.sku, i.abcClass);
  }
  const candidates = held.map((h) => ({
    key: h.sku,
    weight: weighted === 'value' ? Number(h.value) : weighted === 'class' ? CLASS_WEIGHTS[classOf.get(h.sku) ?? 'C'] : 1,
  }));
  const sample = drawSample(candidates, size, seed).map((c) => c.key);
  return startStocktake(db, wh.code, now, by, {
    scope: { skus: sample, sample: { size: sample.length, population: held.length, weighted, seed } },
  });
}
