/**
 * The one home of the partial-stocktake scope rule (issue 16 §2) in SQL: which (sku, location) rows a
 * scope covers. Used when the book is frozen and when a count sheet is recorded.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, problemOf } from '../domain/errors.ts';
import { scopeSummary, type RecordedScope, type StocktakeScope } from '../domain/scope.ts';
import { scopeTexts } from '../domain/texts/scope.ts';
import { lineRef } from '../domain/stocktake.ts';
import { structureItems } from './structure.ts';

const textSet = (values: readonly string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/**
 * A condition over a row's sku, location and item category: true when the scope covers it. `classSkus`:
 * where the items of the scope's classes are read (default: the list in `scope`).
 */
export function scopeCondition(scope: RecordedScope, cols: { sku: SQL; location: SQL; category: SQL }, classSkus?: SQL): SQL {
  const parts: SQL[] = [sql`true`];
  if (scope.locations) {
    const exact = scope.locations.filter((l) => !l.endsWith('*'));
    const prefixes = scope.locations.filter((l) => l.endsWith('*')).map((l) => l.slice(0, -1));
    // left(…) = prefix rather than LIKE: a location code may itself hold % or _.
    const ors = [
      ...(exact.length > 0 ? [sql`${cols.location} in ${textSet(exact)}`] : []),
      ...prefixes.map((p) => sql`left(${cols.location}, ${p.length}::int) = ${p}`),
    ];
    parts.push(sql`(${sql.join(ors, sql` or `)})`);
  }
  if (scope.categories) parts.push(sql`coalesce(${cols.category}, '') in ${textSet(scope.categories)}`);
  if (scope.skus) parts.push(sql`${cols.sku} in ${textSet(scope.skus)}`);
  if (scope.classes) parts.push(sql`${cols.sku} in ${classSkus ?? textSet(scope.classSkus ?? [])}`);
  return sql.join(parts, sql` and `);
}

/** The scope to record: the ABC classes resolved to the warehouse's items of those classes now. */
export async function recordedScope(db: Db, warehouse: string, scope: StocktakeScope, asOf: Date): Promise<RecordedScope> {
  if (!scope.classes) return scope;
  const classSkus: string[] = [];
  for (const abcClass of scope.classes) {
    const { items } = await structureItems(db, { warehouse, asOf, abcClass });
    classSkus.push(...items.map((i) => i.sku));
  }
  return { ...scope, classSkus: classSkus.sort() };
}

/**
 * `scope` is the stocktake's as getStocktake reads it (without `classSkus`: those are read here in SQL).
 * Refuses a sheet (staged in count_stage) with a line outside the stocktake's scope that the frozen book
 * does not already hold, naming its first row; the transaction then records nothing of the sheet.
 */
export async function refuseOutOfScope(tx: DbOrTx, st: { id: string; code: string }, scope: RecordedScope | null): Promise<void> {
  if (!scope) return;
  const [outside] = await queryRows<{ sku: string; location: string; lot: string; first_line: number }>(
    tx,
    sql`select s.sku, s.location, s.lot, s.first_line from count_stage s left join item i on i.sku = s.sku
        where not (${scopeCondition(
          scope,
          { sku: sql`s.sku`, location: sql`s.location`, category: sql`i.category` },
          sql`(select jsonb_array_elements_text(st.scope -> 'classSkus') from stocktake st where st.id = ${st.id}::uuid)`,
        )})
          and not exists (select 1 from stocktake_line l where l.stocktake_id = ${st.id}::uuid and l.sku = s.sku and l.location = s.location and l.lot = s.lot)
        order by s.first_line limit 1`,
  );
  if (!outside) return;
  const summary = scopeSummary(scope)!;
  const label = outside.location || outside.lot ? lineRef(outside) : outside.sku;
  const phrase = scopeTexts.outOfScope(st.code, Number(outside.first_line), label, summary.en, summary.zh);
  throw new InvalidInputError(phrase, [problemOf(Number(outside.first_line), null, phrase)]);
}
