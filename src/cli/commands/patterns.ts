import type { Command } from 'commander';
import type { Db } from '../../../db/client.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { render, type PhraseLocale } from '../../domain/phrase.ts';
import { patternTexts } from '../../domain/texts/patterns.ts';
import {
  detectPatterns,
  patternPhrases,
  performanceFigures,
  performancePhrases,
  setPatternThreshold,
  type PatternReport,
  type PerformanceReport,
} from '../../services/patterns/index.ts';
import { cliActor } from '../../services/people.ts';
import { listWarehouses } from '../../services/warehouses.ts';
import type { CliRunner } from '../main.ts';

/** The named warehouse, else every warehouse. */
async function warehouseCodes(db: Db, code: string | undefined): Promise<string[]> {
  if (code) return [code];
  return (await listWarehouses(db)).map((w) => w.code);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function patternText(report: PatternReport, locale: PhraseLocale): string {
  const say = (p: Parameters<typeof render>[0]) => render(p, locale, 'cli');
  const lines = patternPhrases(report).map((p) => `  ${say(p)}`);
  return [
    say(patternTexts.title(report.warehouse.code)),
    ...(lines.length ? lines : [`  ${say(patternTexts.none(report.warehouse.code, String(report.posted.length)))}`]),
  ].join('\n');
}

function performanceText(report: PerformanceReport, locale: PhraseLocale): string {
  const say = (p: Parameters<typeof render>[0]) => render(p, locale, 'cli');
  const lines = performancePhrases(report).map((p) => `  ${say(p)}`);
  return [say(patternTexts.performanceTitle(report.warehouse.code, String(report.window))), ...lines].join('\n');
}

/**
 * `stocktake patterns [warehouse]`: the recurring variances, rising causes, counters' recounts and loss
 * clusters with their evidence; `--set name=value` changes a threshold. `stocktake performance [warehouse]`:
 * accuracy and performance figures (绩效); with --as, what that person may see.
 */
export function registerPatterns(program: Command, run: CliRunner): void {
  program
    .command('patterns [warehouse]')
    .description('recurring variances, rising causes, counters with many recounts and loss clusters, with their evidence (复盘)')
    .option('--set <name=value>', 'change a threshold for the installation (repeatable), e.g. --set recurringMin=2', collect)
    .option('--json', 'machine-readable output')
    .action((code: string | undefined, opts: { set?: string[]; json?: boolean }) =>
      run(opts, async (db) => {
        const set: { name: string; value: string }[] = [];
        for (const text of opts.set ?? []) {
          const eq = text.indexOf('=');
          if (eq <= 0) throw new InvalidInputError(patternTexts.badSetting(text));
          set.push(await setPatternThreshold(db, text.slice(0, eq).trim(), text.slice(eq + 1).trim()));
        }
        const reports: PatternReport[] = [];
        for (const w of await warehouseCodes(db, code)) reports.push(await detectPatterns(db, { warehouse: w }));
        return {
          data: { set, warehouses: reports },
          human: (locale) =>
            [
              ...set.map((s) => render(patternTexts.thresholdSet(s.name, s.value), locale, 'cli')),
              ...reports.map((r) => patternText(r, locale)),
            ].join('\n\n'),
        };
      }),
    );
  program
    .command('performance [warehouse]')
    .description('accuracy and performance figures per counter, reviewer and stocktake (绩效)')
    .option('--as <person>', 'as this person: managers and admins see everyone, anyone else only their own figures')
    .option('--stocktakes <n>', 'how many closed stocktakes to look at (default 10)')
    .option('--json', 'machine-readable output')
    .action((code: string | undefined, opts: { as?: string; stocktakes?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const viewer = opts.as ? await cliActor(db, opts.as) : null;
        const window = opts.stocktakes === undefined ? undefined : Number(opts.stocktakes);
        const reports: PerformanceReport[] = [];
        for (const w of await warehouseCodes(db, code))
          reports.push(await performanceFigures(db, { warehouse: w, viewer, ...(window && Number.isFinite(window) ? { window } : {}) }));
        return { data: { warehouses: reports }, human: (locale) => reports.map((r) => performanceText(r, locale)).join('\n\n') };
      }),
    );
}
