import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.ts';
import { parseLocale, type Locale } from '../../../cards/i18n/index.ts';
import { silentLogger } from '../../core/log.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { instanceName, PgRunCoordinator } from '../../jobs/coordinator.ts';
import { localDay } from '../../domain/time.ts';
import { manualSlot, runDigest } from '../../jobs/digest.ts';
import type { ReportKind, ReportSource } from '../../jobs/reports.ts';
import { parseChatRef } from '../../services/schedules.ts';
import { getWarehouse, listWarehouses } from '../../services/warehouses.ts';
import type { CliRunner } from '../main.ts';
import { render, type Phrase, type PhraseLocale } from '../../domain/phrase.ts';
import { cliTexts } from '../../domain/texts/cli.ts';

interface ReportOptions {
  chat?: string;
  warehouse?: string;
  now?: string;
  dryRun?: boolean;
  out?: string;
  lang?: string;
  json?: boolean;
}

interface DigestChat {
  platform: string;
  chatId: string;
  warehouse: string;
  timezone: string;
  locale: string;
}

function parseKind(text: string): ReportKind {
  if (text === 'daily' || text === 'weekly' || text === 'monthly') return text;
  throw new InvalidInputError(cliTexts.badReport(text));
}

/** --now: an ISO 8601 time with an offset (2026-11-26T09:00+08:00), or a UTC one with Z. */
function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())
    ? new Date(text.trim())
    : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new InvalidInputError(cliTexts.badNow(text));
  return at;
}

async function digestChats(db: Db, filter: { chat?: { platform: string; chatId: string }; warehouse?: string }): Promise<DigestChat[]> {
  return queryRows<DigestChat>(
    db,
    sql`select c.platform, c.chat_id as "chatId", w.code as warehouse, w.timezone, c.locale from chat c join warehouse w on w.id = c.warehouse_id
        where 'digest' = any(c.purposes)
          ${filter.chat ? sql`and c.platform = ${filter.chat.platform} and c.chat_id = ${filter.chat.chatId}` : sql``}
          ${filter.warehouse ? sql`and w.code = ${filter.warehouse}` : sql``}
        order by w.code, c.platform, c.chat_id`,
  );
}

/**
 * `stocktake report daily|weekly|monthly`: sends a report now to the digest chats (outbox rows a running
 * `npm start` delivers), or with --dry-run prints it and writes its charts to a folder.
 */
/**
 * The real reports, loaded when a report is made: they bring ECharts, whose loading took a third of every
 * other command's start (about 1.5 s of CPU) when it was imported up front.
 */
const digestReports: ReportSource = async (db, request) => (await import('../../jobs/digestReports.ts')).digestReports(db, request);

export function registerReport(program: Command, run: CliRunner, reports: ReportSource = digestReports): void {
  program
    .command('report <report>')
    .description(
      'send the daily digest, the weekly report or the monthly stock structure report now to the digest chats, or print it with --dry-run',
    )
    .option('--chat <platform:id>', 'one digest chat (default: every digest chat)')
    .option('--warehouse <code>', 'the digest chats of one warehouse; with --dry-run, the warehouse to print')
    .option('--now <iso>', 'as of this time, e.g. 2026-11-26T09:00+08:00 (default: now)')
    .option('--dry-run', 'print the report and write its chart PNGs instead of sending')
    .option('--out <dir>', 'with --dry-run: the folder for the charts (default ./report-<date>)')
    .option('--lang <en|zh>', "with --dry-run: the language (default: the chat's, else STOCKTAKE_LANG or LANG, else English)")
    .option('--json', 'machine-readable output')
    .action((kindText: string, opts: ReportOptions) =>
      run(opts, async (db, _config, cli) => {
        const kind = parseKind(kindText);
        const now = parseNow(opts.now);
        const chat = opts.chat ? parseChatRef(opts.chat) : undefined;
        if (opts.warehouse) await getWarehouse(db, opts.warehouse);
        const chats = await digestChats(db, { ...(chat ? { chat } : {}), ...(opts.warehouse ? { warehouse: opts.warehouse } : {}) });
        if (chat && chats.length === 0) throw new InvalidInputError(cliTexts.notDigestChat(opts.chat!, opts.warehouse ?? ''));
        if (!opts.dryRun && (opts.out || opts.lang)) throw new InvalidInputError(cliTexts.goesWithDryRun(opts.out ? '--out' : '--lang'));
        return opts.dryRun
          ? dryRun(db, reports, kind, now, chats, opts, cli.locale)
          : send(db, reports, kind, now, chats, opts, cli.locale);
      }),
    );
}

async function send(
  db: Db,
  reports: ReportSource,
  kind: ReportKind,
  now: Date,
  chats: DigestChat[],
  opts: ReportOptions,
  cliLocale: PhraseLocale,
) {
  if (chats.length === 0) throw new InvalidInputError(cliTexts.noDigestChats(opts.warehouse ?? ''));
  const say = (phrase: Phrase) => render(phrase, cliLocale, 'cli');
  const deps = { db, log: silentLogger, coordinator: new PgRunCoordinator(db, `cli:${instanceName()}`), reports };
  const sent: { chat: string; warehouse: string; outcome: string }[] = [];
  for (const c of chats) {
    const outcome = await runDigest(kind, deps, manualSlot(c.platform, c.chatId, now));
    sent.push({ chat: `${c.platform}:${c.chatId}`, warehouse: c.warehouse, outcome });
  }
  return {
    data: { kind, now: now.toISOString(), sent },
    human: () =>
      [
        ...sent.map((s) =>
          s.outcome === 'sent'
            ? say(cliTexts.reportQueued(kind, s.warehouse, s.chat))
            : say(cliTexts.reportNotSent(s.chat, s.outcome, s.warehouse)),
        ),
        ...(sent.some((s) => s.outcome === 'sent') ? [say(cliTexts.reportDelivery())] : []),
      ].join('\n'),
  };
}

async function dryRun(
  db: Db,
  reports: ReportSource,
  kind: ReportKind,
  now: Date,
  chats: DigestChat[],
  opts: ReportOptions,
  cliLocale: PhraseLocale,
) {
  const say = (phrase: Phrase) => render(phrase, cliLocale, 'cli');
  const lang = opts.lang ? parseLocale(opts.lang) : null;
  if (opts.lang && !lang) throw new InvalidInputError(cliTexts.badLang(opts.lang));
  // The warehouses to print: the chat's, the one named, those with digest chats, else every warehouse.
  let targets: { warehouse: string; timezone: string; locale: Locale }[];
  if (opts.chat) {
    targets = [{ warehouse: chats[0]!.warehouse, timezone: chats[0]!.timezone, locale: lang ?? parseLocale(chats[0]!.locale) ?? 'en' }];
  } else {
    const all = await listWarehouses(db);
    const withChats = new Set(chats.map((c) => c.warehouse));
    const chosen = opts.warehouse
      ? all.filter((w) => w.code === opts.warehouse)
      : withChats.size > 0
        ? all.filter((w) => withChats.has(w.code))
        : all;
    if (chosen.length === 0) throw new InvalidInputError(cliTexts.noWarehouses());
    targets = chosen.map((w) => ({ warehouse: w.code, timezone: w.timezone, locale: lang ?? (opts.json ? 'en' : cliLocale) }));
  }
  const dir = resolve(opts.out ?? `report-${localDay(now, targets[0]!.timezone)}`);
  const printed: {
    warehouse: string;
    locale: Locale;
    empty: boolean;
    text: string;
    charts: { path: string; width: number; height: number; alt: string }[];
  }[] = [];
  for (const t of targets) {
    const report = await reports(db, { kind, warehouse: t.warehouse, now, locale: t.locale });
    const charts = report.charts.map((c) => {
      mkdirSync(dir, { recursive: true });
      const name = c.name.startsWith(`${kind}-`) ? c.name : `${kind}-${c.name}`;
      const path = join(dir, `${targets.length > 1 ? `${t.warehouse}-` : ''}${name}.png`);
      writeFileSync(path, c.png);
      return { path, width: c.width, height: c.height, alt: c.alt };
    });
    printed.push({ warehouse: t.warehouse, locale: t.locale, empty: report.empty, text: report.text, charts });
  }
  return {
    data: { kind, now: now.toISOString(), reports: printed },
    human: () =>
      printed
        .map((p) =>
          [
            p.text.trimEnd(),
            '',
            p.empty ? say(cliTexts.reportEmpty(kind, p.warehouse)) : null,
            p.charts.length
              ? `${say(cliTexts.chartsWritten())}\n${p.charts.map((c) => `  ${c.path}  ${c.width}×${c.height}  ${c.alt}`).join('\n')}`
              : say(cliTexts.noCharts()),
          ]
            .filter((l) => l !== null)
            .join('\n'),
        )
        .join('\n\n'),
  };
}
