/** `stocktake cases add|list|show|search|done`: the case library (事故案例库) from the command line. */
import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/errors.ts';
import { render, type PhraseLocale } from '../../domain/phrase.ts';
import { CASE_WORDS, caseTexts } from '../../domain/texts/cases.ts';
import { closeCase, createCase, getCase, listCases, type CaseDetail, type CaseStatus, type CaseSummary } from '../../services/cases.ts';
import { renderTable } from '../format.ts';
import type { CliRunner } from '../main.ts';
import { contextOf, withActor, type ActOptions } from './review.ts';

const words = (locale: PhraseLocale) => CASE_WORDS[locale];

function renderList(cases: CaseSummary[], locale: PhraseLocale, query?: string): string {
  const w = words(locale);
  if (cases.length === 0) return query !== undefined ? render(caseTexts.noneFound(query), locale, 'cli') : w.none;
  return renderTable(
    [w.case, w.title, w.rootCause, w.actionOwner, w.due, w.statusLabel, ...(query !== undefined ? [w.score] : [])],
    cases.map((c) => [
      c.code,
      c.title,
      c.causeCode,
      c.actionOwner,
      c.actionDue,
      w.status[c.status] ?? c.status,
      ...(query !== undefined ? [String(c.score ?? '')] : []),
    ]),
  );
}

export function renderCase(c: CaseDetail, locale: PhraseLocale): string {
  const w = words(locale);
  const sep = locale === 'en' ? ': ' : '：';
  return [
    `${c.code} · ${c.title} · ${w.status[c.status] ?? c.status}`,
    `${w.stocktake}${sep}${c.stocktake} (${c.warehouse}) · ${w.rootCause}${sep}${c.causeCode} · ${w.direction[c.direction]}`,
    `${w.whatHappened}${sep}${c.whatHappened}`,
    `${w.evidence}${sep}${c.lines.map((l) => `${l.line} ${l.diffQty} (${l.diffValue})`).join(', ')}`,
    ...(c.photos.length > 0 ? [`${w.photos}${sep}${c.photos.map((p) => p.sha256.slice(0, 12)).join(', ')}`] : []),
    `${w.action}${sep}${c.action} · ${w.actionOwner} ${c.actionOwner} · ${w.due} ${c.actionDue}`,
    w.createdBy(c.createdBy, c.createdAt),
    ...(c.doneBy && c.doneAt ? [`${w.doneBy(c.doneBy, c.doneAt)}${c.doneNote ? ` — ${c.doneNote}` : ''}`] : []),
    ...(c.history.length > 0 ? [`${w.history}${sep}${c.history.map((h) => `${h.at} ${h.action} ${h.actorIdentity}`).join('; ')}`] : []),
  ].join('\n');
}

function readStatus(text: string | undefined): CaseStatus | undefined {
  if (text === undefined) return undefined;
  if (text === 'open' || text === 'done') return text;
  throw new InvalidInputError(caseTexts.badStatus(text));
}

export function registerCases(program: Command, run: CliRunner): void {
  const cases = program
    .command('cases')
    .description('the case library (事故案例库): explained variances written up with a corrective action');
  withActor(
    cases
      .command('add <stocktake> <lines...>')
      .description('write up explained variances (SKU or SKU@LOCATION) as a case; by their owner or a supervisor, manager or admin')
      .requiredOption('--title <text>', 'a short title, e.g. 包装破损导致漏数')
      .requiredOption('--what <text>', 'what happened')
      .option('--cause <code>', "root cause from the catalogue (default: the line's cause)")
      .requiredOption('--action <text>', 'the corrective action')
      .requiredOption('--owner <person>', "the action's owner: handle or platform:id")
      .requiredOption('--due <date>', 'the due day, YYYY-MM-DD in the warehouse calendar'),
  ).action(
    (
      stocktake: string,
      lines: string[],
      opts: ActOptions & { title: string; what: string; cause?: string; action: string; owner: string; due: string },
    ) =>
      run(opts, async (db) => {
        const created = await createCase(db, await contextOf(db, opts), {
          stocktake,
          lines,
          title: opts.title,
          whatHappened: opts.what,
          ...(opts.cause ? { cause: opts.cause } : {}),
          action: opts.action,
          actionOwner: opts.owner,
          actionDue: opts.due,
        });
        return {
          data: created,
          human: (locale) => `${render(caseTexts.created(created.code, created.title), locale, 'cli')}\n${renderCase(created, locale)}`,
        };
      }),
  );
  cases
    .command('list')
    .description('cases, newest first')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--status <status>', 'open or done')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'machine-readable output')
    .action((opts: { warehouse?: string; status?: string; limit: string; json?: boolean }) =>
      run(opts, async (db) => {
        const list = await listCases(db, {
          ...(opts.warehouse ? { warehouse: opts.warehouse } : {}),
          ...(opts.status ? { status: readStatus(opts.status) } : {}),
          limit: Number(opts.limit) || 50,
        });
        return { data: list, human: (locale) => renderList(list, locale) };
      }),
    );
  cases
    .command('search <words...>')
    .description('find cases by words in Chinese or English (破损, pallet), best match first')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--status <status>', 'open or done')
    .option('--json', 'machine-readable output')
    .action((terms: string[], opts: { warehouse?: string; status?: string; json?: boolean }) =>
      run(opts, async (db) => {
        const query = terms.join(' ');
        const list = await listCases(db, {
          query,
          ...(opts.warehouse ? { warehouse: opts.warehouse } : {}),
          ...(opts.status ? { status: readStatus(opts.status) } : {}),
        });
        return { data: list, human: (locale) => renderList(list, locale, query) };
      }),
    );
  cases
    .command('show <case>')
    .description('a case with its lines, photos, action and history')
    .option('--json', 'machine-readable output')
    .action((code: string, opts: { json?: boolean }) =>
      run(opts, async (db) => {
        const shown = await getCase(db, code);
        return { data: shown, human: (locale) => renderCase(shown, locale) };
      }),
    );
  withActor(
    cases
      .command('done <case>')
      .description("close a case's corrective action; by its owner or a supervisor, manager or admin")
      .option('--note <text>', 'what was done'),
  ).action((code: string, opts: ActOptions & { note?: string }) =>
    run(opts, async (db) => {
      const closed = await closeCase(db, await contextOf(db, opts), { case: code, ...(opts.note ? { note: opts.note } : {}) });
      return { data: closed, human: (locale) => `${render(caseTexts.closed(closed.code), locale, 'cli')}\n${renderCase(closed, locale)}` };
    }),
  );
}
