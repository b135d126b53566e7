import { getWarehouse } from '../../services/warehouses.ts';
import type { Command } from 'commander';
import type { Db } from '../../../db/client.ts';
import { InvalidInputError, NotAllowedError } from '../../domain/errors.ts';
import { COUNTING_ROLES, type Actor } from '../../domain/people.ts';
import { blindLine, blindProgress, progressFor, showsBookFigures, type BlindProgress } from '../../services/blind.ts';
import { queryVariances } from '../../services/varianceQuery.ts';
import { fileSource } from '../../files/source.ts';
import { importCounts } from '../../services/counts.ts';
import { cliActor, requireAnyRole, requireRole } from '../../services/people.ts';
import { closeCounting, getStocktake, listStocktakes, startStocktake, type StocktakeRef } from '../../services/stocktakes.ts';
import { listVariances, type StocktakeProgress } from '../../services/variances.ts';
import type { PhraseLocale } from '../../domain/phrase.ts';
import { localTime, renderTable } from '../format.ts';
import { startSpotCheck } from '../../services/spotCheck.ts';
import { parseScope } from '../../domain/scope.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { importSummary, SHEET_HELP } from './masterData.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

export function renderProgress(p: StocktakeProgress | BlindProgress, locale: PhraseLocale = 'en'): string {
  const w = cliWords(locale);
  const l = p.lines;
  const figures =
    'variances' in p
      ? [
          w.progressVariances(p.variances.gain, p.variances.loss, p.variances.match),
          w.progressValue(p.variances.gainValue, p.variances.lossValue, p.variances.netValue),
        ]
      : [w.progressBlind(l.conflict)];
  return [
    w.progressTitle(p.code, p.warehouse, w.states.stocktake[p.status], p.blind),
    w.progressFrozen(localTime(p.snapshotAt, p.timezone), p.countingClosedAt ? localTime(p.countingClosedAt, p.timezone) : null, p.imports),
    ...(p.scopeSummary ? [w.progressScope(locale === 'en' ? p.scopeSummary.en : p.scopeSummary.zh)] : []),
    w.progressLines(l.total, l.counted, l.verified, l.conflict, l.uncounted, l.notInBook),
    ...figures,
    ...(p.spotCheck ? [w.progressSpotCheck(locale === 'en' ? p.spotCheck.summary.en : p.spotCheck.summary.zh)] : []),
  ].join('\n');
}

/** Who reads: the person of --as (roles apply), or the local operator without it. */
async function readerOf(db: Db, as: string | undefined, stocktake: string): Promise<{ st: StocktakeRef; viewer: Actor | null }> {
  const st = await getStocktake(db, stocktake);
  if (!as) return { st, viewer: null };
  const viewer = await cliActor(db, as);
  await requireAnyRole(db, viewer, st.warehouseId, `stocktake ${st.code}`);
  return { st, viewer };
}

function parseRound(text: string): number {
  const round = Number(text);
  if (!Number.isInteger(round) || round < 1) throw new InvalidInputError(cliTexts.badRound(text));
  return round;
}

export function registerStocktake(program: Command, run: CliRunner): Command {
  program
    .command('start <warehouse>')
    .description('start a stocktake: freeze the book (on-hand and unit costs) of a warehouse')
    .option('--blind', 'a blind count (盲盘): counters see no book figures until counting closes')
    .option('--locations <list...>', 'partial stocktake: only these locations (codes or prefixes ending in *, e.g. A-*)')
    .option('--categories <list...>', 'partial stocktake: only items of these categories')
    .option('--class <classes...>', 'partial stocktake: only items of these ABC classes (A, B, C) as classified now')
    .option('--skus <list...>', 'partial stocktake: only these items (SKUs, comma- or space-separated)')
    .option('--json', 'machine-readable output')
    .action(
      (
        wh: string,
        opts: { blind?: boolean; json?: boolean; locations?: string[]; categories?: string[]; class?: string[]; skus?: string[] },
      ) =>
        run(opts, async (db) => {
          const scope = parseScope({ locations: opts.locations, categories: opts.categories, classes: opts.class, skus: opts.skus });
          const st = await startStocktake(db, wh, new Date(), null, { blind: opts.blind ?? false, scope });
          const { timezone } = await getWarehouse(db, st.warehouse);
          return {
            data: st,
            human: (locale) => {
              const w = cliWords(locale);
              const started = w.started(st.blind, st.code, st.id, st.warehouse, st.bookLines, localTime(st.snapshotAt, timezone));
              if (!st.scopeSummary) return started;
              return `${started}\n${w.progressScope(locale === 'en' ? st.scopeSummary.en : st.scopeSummary.zh)}`;
            },
          };
        }),
    );

  program
    .command('spot-check <warehouse>')
    .description('start a spot check (抽盘): a random sample of the items held, counted as a stocktake of its own')
    .option('--size <n>', 'how many items to draw')
    .option('--share <percent>', 'or what share of the items held to draw (5%)')
    .option('--weighted <how>', 'value: likelier the more stock value; class: by ABC class (A 5 : B 2 : C 1)')
    .option('--seed <n>', 'the random seed (default: random, printed); the same seed draws the same sample')
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { size?: string; share?: string; weighted?: string; seed?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const st = await startSpotCheck(db, {
          warehouse: wh,
          size: opts.size,
          share: opts.share,
          weighted: opts.weighted,
          seed: opts.seed,
        });
        const { timezone } = await getWarehouse(db, st.warehouse);
        return {
          data: st,
          human: (locale) => {
            const w = cliWords(locale);
            return [
              w.started(st.blind, st.code, st.id, st.warehouse, st.bookLines, localTime(st.snapshotAt, timezone)),
              w.progressScope(locale === 'en' ? st.scopeSummary!.en : st.scopeSummary!.zh),
              `  ${st.scope!.skus!.join(', ')}`,
            ].join('\n');
          },
        };
      }),
    );

  program
    .command('list')
    .description('list stocktakes')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listStocktakes(db);
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.stocktakeHeaders,
              rows.map((s) => [
                s.code,
                s.warehouse,
                w.states.stocktake[s.status],
                s.blind ? w.yes : '',
                localTime(s.snapshotAt.toISOString(), s.timezone),
                s.id,
              ]),
            );
          },
        };
      }),
    );

  program
    .command('counts')
    .description('count sheets')
    .command('import <stocktake> <file>')
    .description('import a count sheet (CSV in UTF-8 or GBK, or XLSX): sku, location, qty, counted_at')
    .option('--counter <name>', 'who counted (default: your user name)')
    .option(
      '--round <n>',
      'count round (default 1; in review, one above the recounted lines); a later round supersedes earlier ones for the lines it covers',
    )
    .option('--skip-invalid', 'import the valid rows and report the rest')
    .option('--sheet <name>', SHEET_HELP)
    .option(
      '--as <person>',
      'who imports (a counting role applies, and a counter of a blind count sees no book figures); without it, the local operator',
    )
    .option('--json', 'machine-readable output')
    .action(
      (
        stocktake: string,
        file: string,
        opts: { counter?: string; round?: string; skipInvalid?: boolean; sheet?: string; as?: string; json?: boolean },
      ) =>
        run(
          opts,
          async (db) => {
            const { st, viewer } = await readerOf(db, opts.as, stocktake);
            if (viewer) await requireRole(db, viewer, st.warehouseId, st.warehouseCode, COUNTING_ROLES, 'import a count sheet');
            const imported = await importCounts(
              db,
              st.id,
              await fileSource(file),
              {
                counter: opts.counter ?? viewer?.handle,
                ...(opts.round ? { round: parseRound(opts.round) } : {}),
                skipInvalid: opts.skipInvalid,
                ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}),
              },
              viewer,
            );
            const report = (await showsBookFigures(db, viewer, await getStocktake(db, st.id)))
              ? imported
              : { ...imported, progress: blindProgress(imported.progress) };
            return {
              data: report,
              human: (locale) =>
                [
                  importSummary(
                    'count',
                    report,
                    [
                      cliWords(locale).countsLine(
                        report.linesCounted,
                        report.counter,
                        report.round,
                        report.linesVerified,
                        report.linesInConflict,
                        report.linesNotInBook,
                        report.linesSuperseded,
                      ),
                    ],
                    locale,
                  ),
                  '',
                  renderProgress(report.progress, locale),
                ].join('\n'),
            };
          },
          { workload: 'service' },
        ),
    );

  program
    .command('close-counting <stocktake>')
    .description('close counting: uncounted book lines count as zero, and the stocktake moves to review')
    .option('--as <person>', 'who closes it (a supervisor, manager or admin); without it, the local operator')
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const closed = await closeCounting(db, stocktake, opts.as ? { actor: await cliActor(db, opts.as) } : {});
        return {
          data: closed,
          human: (locale) => {
            const w = cliWords(locale);
            // English says the status code ("Now reviewing."), as it always has; Chinese its label.
            return [
              w.closed(closed.code, closed.uncountedAsZero, locale === 'en' ? closed.status : w.states.stocktake[closed.status]),
              w.toReview(closed.openVariances, closed.owner, closed.autoConfirmed),
            ].join('\n');
          },
        };
      }),
    );

  const variances = program
    .command('variances <stocktake>')
    .enablePositionalOptions()
    .description('every line with book, movements, expected, counted and the variance')
    .option('--only-diff', 'leave out lines that match')
    .option('--as <person>', 'who reads (a counter of a blind count sees no figures until counting closes); without it, the local operator')
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { onlyDiff?: boolean; as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const { st, viewer } = await readerOf(db, opts.as, stocktake);
        if (!(await showsBookFigures(db, viewer, st))) {
          if (opts.onlyDiff) throw new NotAllowedError(cliTexts.onlyDiffBlind(viewer!.handle, st.code));
          const lines = (await queryVariances(db, st, { sort: 'sku', limit: 1_000_000, offset: 0 })).lines.map(blindLine);
          return {
            data: lines,
            human: (locale) => {
              const w = cliWords(locale);
              return renderTable(
                w.blindHeaders,
                lines.map((l) => [
                  l.sku,
                  (l.location || '-') + (l.lot ? ` #${l.lot}` : ''),
                  l.recountNeeded ? w.recountNeeded(w.states.count[l.countStatus]) : w.states.count[l.countStatus],
                ]),
              );
            },
          };
        }
        const all = await listVariances(db, st.id);
        const rows = opts.onlyDiff ? all.filter((v) => v.direction !== 'match') : all;
        return {
          data: rows,
          human: (locale) => {
            const w = cliWords(locale);
            return renderTable(
              w.varianceHeaders,
              rows.map((v) => [
                v.sku,
                (v.location || '-') + (v.lot ? ` #${v.lot}` : ''),
                v.bookQty,
                v.movementQty,
                v.expectedQty,
                v.countedQty,
                v.diffQty,
                v.diffValue,
                v.unitCost,
                v.direction === null ? null : w.direction[v.direction],
                w.states.count[v.countStatus],
              ]),
              [2, 3, 4, 5, 6, 7, 8],
            );
          },
        };
      }),
    );

  program
    .command('status <stocktake>')
    .description('progress of a stocktake: lines counted, verified, in conflict, uncounted; variance totals')
    .option('--as <person>', 'who reads (a counter of a blind count sees no totals until counting closes); without it, the local operator')
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { as?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const { st, viewer } = await readerOf(db, opts.as, stocktake);
        const progress = await progressFor(db, viewer, st);
        return { data: progress, human: (locale) => renderProgress(progress, locale) };
      }),
    );
  return variances;
}
