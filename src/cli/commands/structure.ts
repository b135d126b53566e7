/**
 * `stocktake structure <warehouse>`: the warehouse's stock structure — ABC classes by consumption value,
 * turnover and days of stock by category, the top consumers, slow movers and dead stock — or with --csv the
 * whole per-item table (src/services/structure.ts).
 */
import type { Command } from 'commander';
import { groupDigits } from '../../domain/display.ts';
import { render, type Phrase, type PhraseLocale } from '../../domain/phrase.ts';
import {
  parseAbcClass,
  parseAsOf,
  parseIdleStatus,
  parsePeriodDays,
  structureCsv,
  type ItemStructure,
  type MovementStatus,
  type StockStructure,
} from '../../domain/structure.ts';
import { structureColumns, structureTexts } from '../../domain/texts/structure.ts';
import { localDay } from '../../domain/time.ts';
import { stockStructure, structureItems } from '../../services/structure.ts';
import { getWarehouse } from '../../services/warehouses.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';

interface StructureOptions {
  asOf?: string;
  days?: string;
  top?: string;
  csv?: boolean;
  class?: string;
  status?: string;
  json?: boolean;
}

const STATUS_LABEL: Record<MovementStatus, () => Phrase> = {
  moving: structureTexts.statusMoving,
  slow: structureTexts.chartSlow,
  dead: structureTexts.chartDead,
  empty: structureTexts.statusEmpty,
};

/** The status's label in a language: the one catalogue every surface reads. */
export function statusLabel(status: MovementStatus, locale: PhraseLocale): string {
  return render(STATUS_LABEL[status](), locale, 'cli');
}

/** The summary a person reads: period, totals, classes, slow and dead, categories, the top lists. */
export function renderStructure(s: StockStructure, locale: PhraseLocale): string {
  const w = (p: Phrase) => render(p, locale, 'cli');
  const c = structureColumns;
  const tz = s.warehouse.timezone;
  const day = (iso: string) => localDay(new Date(iso), tz);
  const cur = s.warehouse.currency;
  const g = (v: string | null) => (v === null ? '—' : groupDigits(v));
  const pct = (v: string | null) => (v === null ? '—' : v);
  const lines = [
    w(structureTexts.title(`${s.warehouse.code} ${s.warehouse.name}`)),
    w(structureTexts.period(day(s.from), day(new Date(new Date(s.asOf).getTime() - 1).toISOString()), s.periodDays)),
    w(structureTexts.settings(s.settings.abcAPercent, s.settings.abcBPercent, s.settings.slowDays, s.settings.deadDays)),
    '',
  ];
  if (s.totals.items === 0) return [...lines, w(structureTexts.nothingYet())].join('\n');
  lines.push(
    w(
      structureTexts.totals(
        s.totals.items,
        g(s.totals.issueValue),
        g(s.totals.stockValue),
        pct(s.totals.turnover),
        pct(s.totals.daysOfStock),
        cur,
      ),
    ),
    ...s.classes.map((x) =>
      w(structureTexts.classLine(x.abcClass, x.items, pct(x.issuePercent), g(x.issueValue), pct(x.stockPercent), g(x.stockValue))),
    ),
    w(structureTexts.slowLine(s.slow.items, g(s.slow.stockValue))),
    w(structureTexts.deadLine(s.dead.items, g(s.dead.stockValue))),
    '',
    w(structureTexts.byCategory()),
    renderTable(
      [w(c.category()), w(c.items()), w(c.issueValue()), w(c.averageValue()), w(c.stockValue()), w(c.turnover()), w(c.daysOfStock())],
      s.categories.map((x) => [
        x.category ?? w(structureTexts.uncategorised()),
        x.items,
        x.issueValue,
        x.averageValue,
        x.stockValue,
        x.turnover,
        x.daysOfStock,
      ]),
      [1, 2, 3, 4, 5, 6],
    ),
  );
  const top = (title: Phrase, rows: ItemStructure[]) => {
    if (rows.length === 0) return;
    lines.push(
      '',
      w(title),
      renderTable(
        [
          w(c.sku()),
          w(c.name()),
          w(c.class()),
          w(c.issueValue()),
          w(c.stockQty()),
          w(c.stockValue()),
          w(c.turnover()),
          w(c.daysOfStock()),
          w(c.lastIssue()),
          w(c.daysIdle()),
        ],
        rows.map((i) => [
          i.sku,
          i.name,
          i.abcClass,
          i.issueValue,
          i.stockQty,
          i.stockValue,
          i.turnover,
          i.daysOfStock,
          i.lastIssueAt ? day(i.lastIssueAt) : w(structureTexts.never()),
          i.daysIdle,
        ]),
        [3, 4, 5, 6, 7, 9],
      ),
    );
  };
  top(structureTexts.topConsumers(), s.topConsumers);
  top(structureTexts.topSlow(), s.topSlow);
  top(structureTexts.topDead(), s.topDead);
  return lines.join('\n');
}

export function registerStructure(program: Command, run: CliRunner): void {
  program
    .command('structure <warehouse>')
    .description('stock structure: ABC classes by consumption value, turnover and days of stock, slow movers and dead stock')
    .option('--as-of <date>', "as of the end of this day in the warehouse's timezone (YYYY-MM-DD) or an ISO instant (default: now)")
    .option('--days <n>', 'the consumption period in days before as-of (default 365)')
    .option('--top <n>', 'rows of each top list (default 10)')
    .option('--csv', 'print the whole per-item table as CSV instead of the summary')
    .option('--class <A|B|C>', 'with --csv: only this ABC class')
    .option('--status <slow|dead>', 'with --csv: only slow movers or dead stock')
    .option('--json', 'machine-readable output')
    .action((warehouse: string, opts: StructureOptions) =>
      run(opts, async (db) => {
        const wh = await getWarehouse(db, warehouse);
        const asOf = parseAsOf(opts.asOf, wh.timezone, new Date());
        const periodDays = parsePeriodDays(opts.days);
        if (opts.csv) {
          const cls = parseAbcClass(opts.class);
          const status = parseIdleStatus(opts.status);
          const { items } = await structureItems(db, {
            warehouse,
            asOf,
            periodDays,
            ...(cls ? { abcClass: cls } : {}),
            ...(status ? { status } : {}),
          });
          return { data: items, human: () => structureCsv(items).replace(/\r\n$/, '') };
        }
        const top = opts.top === undefined ? 10 : Number(opts.top);
        const s = await stockStructure(db, {
          warehouse,
          asOf,
          periodDays,
          top: Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : 10,
        });
        return { data: s, human: (locale) => renderStructure(s, locale) };
      }),
    );
}
