import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/errors.ts';
import { fileSource } from '../../files/source.ts';
import { importCounts } from '../../services/counts.ts';
import { cliActor } from '../../services/people.ts';
import { closeCounting, listStocktakes, startStocktake } from '../../services/stocktakes.ts';
import { listVariances, stocktakeStatus, type StocktakeProgress } from '../../services/variances.ts';
import { localTime, renderTable, STATES } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { importSummary } from './masterData.ts';

export function renderProgress(p: StocktakeProgress): string {
  const l = p.lines;
  const v = p.variances;
  return [
    `Stocktake ${p.code} · warehouse ${p.warehouse} · ${STATES.stocktake[p.status]}`,
    `  book frozen at ${localTime(p.snapshotAt, p.timezone)}${p.countingClosedAt ? `, counting closed at ${localTime(p.countingClosedAt, p.timezone)}` : ''}; ${p.imports} count sheet(s) imported`,
    `  lines      ${l.total} total: ${l.counted} counted, ${l.verified} verified, ${l.conflict} conflict, ${l.uncounted} uncounted (${l.notInBook} not in the book)`,
    `  variances  ${v.gain} gain, ${v.loss} loss, ${v.match} match`,
    `  value      gain ${v.gainValue}, loss ${v.lossValue}, net ${v.netValue}`,
  ].join('\n');
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
    .option('--json', 'machine-readable output')
    .action((wh: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const st = await startStocktake(db, wh);
        return {
          data: st,
          human: () =>
            `Started stocktake ${st.code} (${st.id}) for ${st.warehouse}: ${st.bookLines} book line(s) frozen at ${st.snapshotAt}.`,
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
              ['code', 'warehouse', 'status', 'started', 'id'],
              rows.map((s) => [s.code, s.warehouse, STATES.stocktake[s.status], s.snapshotAt.toISOString(), s.id]),
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
    .option('--json', 'machine-readable output')
    .action((stocktake: string, file: string, opts: { counter?: string; round?: string; skipInvalid?: boolean; json?: boolean }) =>
      run(
        opts,
        async (db) => {
          const report = await importCounts(db, stocktake, await fileSource(file), {
            counter: opts.counter,
            ...(opts.round ? { round: parseRound(opts.round) } : {}),
            skipInvalid: opts.skipInvalid,
          });
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
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { onlyDiff?: boolean; json?: boolean }) =>
      run(opts, async (db) => {
        const all = await listVariances(db, stocktake);
        const rows = opts.onlyDiff ? all.filter((v) => v.direction !== 'match') : all;
        return {
          data: rows,
          human: () =>
            renderTable(
              ['sku', 'location', 'book', 'movements', 'expected', 'counted', 'diff', 'value', 'unit cost', 'direction', 'count'],
              rows.map((v) => [
                v.sku,
                v.location || '-',
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
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const progress = await stocktakeStatus(db, stocktake);
        return { data: progress, human: () => renderProgress(progress) };
      }),
    );
  return variances;
}
