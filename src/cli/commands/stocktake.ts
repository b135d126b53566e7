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
import { localTime, renderTable, STATES } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { importSummary, SHEET_HELP } from './masterData.ts';

export function renderProgress(p: StocktakeProgress | BlindProgress): string {
  const l = p.lines;
  const figures =
    'variances' in p
      ? [
          `  variances  ${p.variances.gain} gain, ${p.variances.loss} loss, ${p.variances.match} match`,
          `  value      gain ${p.variances.gainValue}, loss ${p.variances.lossValue}, net ${p.variances.netValue}`,
        ]
      : [
          `  blind count (盲盘): book quantities and variances are not shown to counters until counting closes${l.conflict ? `; ${l.conflict} line(s) need a recount` : ''}`,
        ];
  return [
    `Stocktake ${p.code} · warehouse ${p.warehouse} · ${STATES.stocktake[p.status]}${p.blind ? ' · blind count (盲盘)' : ''}`,
    `  book frozen at ${localTime(p.snapshotAt, p.timezone)}${p.countingClosedAt ? `, counting closed at ${localTime(p.countingClosedAt, p.timezone)}` : ''}; ${p.imports} count sheet(s) imported`,
    `  lines      ${l.total} total: ${l.counted} counted, ${l.verified} verified, ${l.conflict} conflict, ${l.uncounted} uncounted (${l.notInBook} not in the book)`,
    ...figures,
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
  if (!Number.isInteger(round) || round < 1) throw new InvalidInputError(`--round ${text}: must be a whole number of 1 or more`);
  return round;
}

export function registerStocktake(program: Command, run: CliRunner): Command {
  program
    .command('start <warehouse>')
    .description('start a stocktake: freeze the book (on-hand and unit costs) of a warehouse')
    .option('--blind', 'a blind count (盲盘): counters see no book figures until counting closes')
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { blind?: boolean; json?: boolean }) =>
      run(opts, async (db) => {
        const st = await startStocktake(db, wh, new Date(), null, { blind: opts.blind ?? false });
        const { timezone } = await getWarehouse(db, st.warehouse);
        return {
          data: st,
          human: () =>
            `Started ${st.blind ? 'blind stocktake (盲盘)' : 'stocktake'} ${st.code} (${st.id}) for ${st.warehouse}: ${st.bookLines} book line(s) frozen at ${localTime(st.snapshotAt, timezone)}.`,
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
          human: () =>
            renderTable(
              ['code', 'warehouse', 'status', 'blind', 'started', 'id'],
              rows.map((s) => [
                s.code,
                s.warehouse,
                STATES.stocktake[s.status],
                s.blind ? 'yes' : '',
                localTime(s.snapshotAt.toISOString(), s.timezone),
                s.id,
              ]),
            ),
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
              human: () =>
                [
                  importSummary('count', report, [
                    `${report.linesCounted} line(s) counted by ${report.counter} in round ${report.round}: ${report.linesVerified} verified by a second count, ${report.linesInConflict} in conflict, ${report.linesNotInBook} not in the book${report.linesSuperseded ? `, ${report.linesSuperseded} superseded by a later round` : ''}.`,
                  ]),
                  '',
                  renderProgress(report.progress),
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
          human: () =>
            [
              `Counting of ${closed.code} closed; ${closed.uncountedAsZero} uncounted line(s) taken as zero. Now ${closed.status}.`,
              `${closed.openVariances} variance(s) to review${closed.owner ? `, owned by ${closed.owner}` : ' (no supervisor in this warehouse yet: grant one and assign the lines)'}${closed.autoConfirmed ? `; ${closed.autoConfirmed} within tolerance, confirmed automatically` : ''}.`,
            ].join('\n'),
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
          if (opts.onlyDiff)
            throw new NotAllowedError(
              `${viewer!.handle} may not use --only-diff on ${st.code}: it is a blind count, and counters see no variances until counting closes`,
            );
          const lines = (await queryVariances(db, st, { sort: 'sku', limit: 1_000_000, offset: 0 })).lines.map(blindLine);
          return {
            data: lines,
            human: () =>
              renderTable(
                ['sku', 'location', 'count'],
                lines.map((l) => [
                  l.sku,
                  (l.location || '-') + (l.lot ? ` #${l.lot}` : ''),
                  l.recountNeeded ? `${STATES.count[l.countStatus]} (recount needed)` : STATES.count[l.countStatus],
                ]),
              ),
          };
        }
        const all = await listVariances(db, st.id);
        const rows = opts.onlyDiff ? all.filter((v) => v.direction !== 'match') : all;
        return {
          data: rows,
          human: () =>
            renderTable(
              ['sku', 'location', 'book', 'movements', 'expected', 'counted', 'diff', 'value', 'unit cost', 'direction', 'count'],
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
                v.direction,
                STATES.count[v.countStatus],
              ]),
              [2, 3, 4, 5, 6, 7, 8],
            ),
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
        return { data: progress, human: () => renderProgress(progress) };
      }),
    );
  return variances;
}
