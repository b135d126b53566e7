/**
 * Undo on the command line (撤销): `cancel` a stocktake, `counts list` / `counts void` a count sheet,
 * `withdraw` a document (`variances reopen` lives with the other line actions in review.ts). Each needs
 * --as and --reason.
 */
import type { Command } from 'commander';
import { listCountImports, voidCountImport, type VoidedImport } from '../../services/countVoid.ts';
import { cancelStocktake, withdrawDocument } from '../../services/undo.ts';
import { lineLabel } from '../../domain/stocktake.ts';
import { getStocktake } from '../../services/stocktakes.ts';
import type { PhraseLocale } from '../../domain/phrase.ts';
import type { CountStatus } from '../../domain/stocktake.ts';
import { localTime, renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords } from '../words.ts';
import { contextOf, renderDocument, withActor, type ActOptions } from './review.ts';

type ReasonOptions = ActOptions & { reason: string };

const reasonOption = (cmd: Command) => cmd.requiredOption('--reason <text>', 'why (shown to the team and kept in the audit trail)');

/** What a void changed, one line each: "A-100@R1: verified 90 → counted 90". */
export function renderVoided(v: VoidedImport, locale: PhraseLocale = 'en'): string {
  const w = cliWords(locale);
  const count = (c: { countStatus: CountStatus; countedQty: string | null }) =>
    `${w.states.count[c.countStatus]}${c.countedQty === null ? '' : ` ${c.countedQty}`}`;
  return [
    w.voided(v.fileName, v.importId, v.stocktake, v.counter, v.reason),
    w.voidedLines(v.linesCovered, v.linesChanged, v.scanEntries),
    ...v.changed.map((c) => `  ${w.line.state(lineLabel(c), `${count(c.before)} → ${count(c.after)}`)}`),
    ...(v.linesChanged > v.changed.length ? [w.andMore(v.linesChanged - v.changed.length)] : []),
  ].join('\n');
}

export function registerUndo(program: Command, run: CliRunner): void {
  reasonOption(
    withActor(
      program
        .command('cancel <stocktake>')
        .description('cancel a stocktake before anything is posted: frees the warehouse; documents in approval are withdrawn (取消盘点)'),
    ),
  ).action((stocktake: string, opts: ReasonOptions) =>
    run(opts, async (db) => {
      const r = await cancelStocktake(db, await contextOf(db, opts), { stocktake, reason: opts.reason });
      return {
        data: r,
        human: (locale) => {
          const w = cliWords(locale);
          return [
            w.cancelled(r.code, w.states.stocktake[r.before], r.reason, r.warehouse),
            r.documentsWithdrawn.length ? w.withdrawnWith(r.documentsWithdrawn.join(w.join)) : '',
          ]
            .filter(Boolean)
            .join('\n');
        },
      };
    }),
  );

  reasonOption(
    withActor(
      program
        .command('withdraw <document>')
        .description('withdraw a document before its first approval: its lines go back to review, confirmed (撤回单据)'),
    ),
  ).action((document: string, opts: ReasonOptions) =>
    run(opts, async (db) => {
      const doc = await withdrawDocument(db, await contextOf(db, opts), { document, reason: opts.reason });
      return { data: doc, human: (locale) => renderDocument(doc, locale) };
    }),
  );

  const counts = program.commands.find((c) => c.name() === 'counts')!;
  counts
    .command('list <stocktake>')
    .description('the count sheets (and locations scanned) imported into a stocktake, voided ones marked')
    .option('--json', 'machine-readable output')
    .action((stocktake: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const st = await getStocktake(db, stocktake);
        const rows = await listCountImports(db, st);
        const at = (iso: string | null) => (iso ? localTime(iso, st.timezone).replace(` (${st.timezone})`, '') : null);
        return {
          data: rows,
          human: (locale) =>
            renderTable(
              cliWords(locale).countImportHeaders(st.timezone),
              rows.map((r) => [
                r.id,
                r.fileName,
                r.counter,
                r.round,
                r.linesCounted,
                at(r.importedAt),
                r.voidedAt ? cliWords(locale).voidedBy(at(r.voidedAt)!, r.voidedBy!, r.voidReason!) : null,
              ]),
              [3, 4],
            ),
        };
      }),
    );
  reasonOption(
    withActor(
      counts
        .command('void <stocktake> <sheet>')
        .description(
          'void a count sheet while counting is open (by import id or file name): its entries stop counting and the lines it covered are counted again from the others (作废盘点表)',
        ),
    ),
  ).action((stocktake: string, sheet: string, opts: ReasonOptions) =>
    run(opts, async (db) => {
      const voided = await voidCountImport(db, await contextOf(db, opts), { stocktake, sheet, reason: opts.reason });
      return { data: voided, human: (locale) => renderVoided(voided, locale) };
    }),
  );
}
