import type { Command } from 'commander';
import { importBook } from '../../services/book.ts';
import type { ImportReport } from '../../services/importResult.ts';
import { importItems } from '../../services/items.ts';
import { importMovements } from '../../services/movements.ts';
import { addWarehouse, listWarehouses } from '../../services/warehouses.ts';
import { fileSource } from '../../files/source.ts';
import { renderProblems, renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { cliWords, type ImportKind } from '../words.ts';
import type { PhraseLocale } from '../../domain/phrase.ts';

/** What an import did, for people: rows taken, the sheet read, the columns ignored, the lines skipped. */
export function importSummary(what: ImportKind, r: ImportReport, extra: string[] = [], locale: PhraseLocale = 'en'): string {
  const w = cliWords(locale);
  const from = r.sheet === null ? r.fileName : w.sheetOf(r.fileName, r.sheet);
  const lines = [
    w.imported(r.rowsAccepted, w.importKind[what], from, r.rowsRead, r.rowsRejected),
    ...r.ignoredColumns.map((c) => w.note(c.localized[locale] ?? c.message)),
    ...extra,
  ];
  if (r.problems.length > 0) lines.push(w.skippedLines, renderProblems(r.problems, locale));
  return lines.join('\n');
}

/** The --sheet option of every import. */
export const SHEET_HELP = 'the XLSX sheet to read (default: the one sheet with data; with several, the import names them)';

export function registerMasterData(program: Command, run: CliRunner): void {
  const warehouse = program.command('warehouse').description('warehouses: code, name, timezone');
  warehouse
    .command('add <code>')
    .description('create a warehouse (or update its name and timezone)')
    .option('--name <name>', 'display name (default: the code)')
    .option('--timezone <tz>', 'IANA timezone, e.g. Asia/Shanghai (default: STOCKTAKE_DEFAULT_TIMEZONE)')
    .option('--json', 'machine-readable output')
    .action((code: string, opts: { name?: string; timezone?: string; json?: boolean }) =>
      run(opts, async (db, config) => {
        const wh = await addWarehouse(db, { code, name: opts.name, timezone: opts.timezone ?? config.STOCKTAKE_DEFAULT_TIMEZONE });
        return { data: wh, human: (locale) => cliWords(locale).warehouse(wh.code, wh.name, wh.timezone) };
      }),
    );
  warehouse
    .command('list')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const rows = await listWarehouses(db);
        return {
          data: rows,
          human: (locale) =>
            renderTable(
              cliWords(locale).warehouseHeaders,
              rows.map((w) => [w.code, w.name, w.timezone]),
            ),
        };
      }),
    );

  program
    .command('items')
    .description('the item master')
    .command('import <file>')
    .description('import items from CSV/XLSX: sku, name, unit, unit_cost, category')
    .option('--skip-invalid', 'import the valid rows and report the rest')
    .option('--sheet <name>', SHEET_HELP)
    .option('--json', 'machine-readable output')
    .action((file: string, opts: { skipInvalid?: boolean; sheet?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const report = await importItems(db, await fileSource(file), { skipInvalid: opts.skipInvalid, sheet: opts.sheet });
        return { data: report, human: (locale) => importSummary('item', report, [], locale) };
      }),
    );

  program
    .command('book')
    .description('book quantities (on-hand) per sku and location')
    .command('import <warehouse> <file>')
    .description('set on-hand from CSV/XLSX: sku, location, qty')
    .option('--replace', 'also clear book lines the file does not list (a full export from the ERP)')
    .option('--skip-invalid', 'import the valid rows and report the rest')
    .option('--sheet <name>', SHEET_HELP)
    .option('--json', 'machine-readable output')
    .action((wh: string, file: string, opts: { replace?: boolean; skipInvalid?: boolean; sheet?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const report = await importBook(db, wh, await fileSource(file), {
          replace: opts.replace,
          skipInvalid: opts.skipInvalid,
          sheet: opts.sheet,
        });
        return {
          data: report,
          human: (locale) => importSummary('book', report, opts.replace ? [cliWords(locale).bookCleared(report.linesCleared)] : [], locale),
        };
      }),
    );

  program
    .command('movements')
    .description('the movement log: receipts, issues, transfers, adjustments')
    .command('import <warehouse> <file>')
    .description('append movements from CSV/XLSX: sku, location, qty (signed), kind, ref, occurred_at')
    .option('--skip-invalid', 'import the valid rows and report the rest')
    .option('--sheet <name>', SHEET_HELP)
    .option('--json', 'machine-readable output')
    .action((wh: string, file: string, opts: { skipInvalid?: boolean; sheet?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const report = await importMovements(db, wh, await fileSource(file), { skipInvalid: opts.skipInvalid, sheet: opts.sheet });
        return { data: report, human: (locale) => importSummary('movement', report, [], locale) };
      }),
    );
}
