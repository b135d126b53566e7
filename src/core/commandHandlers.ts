/** Text commands and uploaded count sheets: each turns into one service call and the cards that answer it. */
import { setPersonLocale } from '../services/personLocale.ts';
import type { Db } from '../../db/client.ts';
import { messages, parseLocale, type Locale } from '../../cards/i18n/index.ts';
import { helpCard } from '../../cards/templates/help.ts';
import { importSummaryCard } from '../../cards/templates/importSummary.ts';
import { scheduleCard } from '../../cards/templates/schedule.ts';
import { noticeCard } from '../../cards/templates/notice.ts';
import type { TemplateContext } from '../../cards/templates/context.ts';
import { COUNTING_ROLES, SUPERVISING_ROLES, type CommandContext } from '../domain/people.ts';
import { ChooseSheetError, InvalidInputError, problemText } from '../domain/errors.ts';
import { hidesBookFigures } from '../domain/stocktake.ts';
import { bufferSource } from '../files/source.ts';
import { bindChat, currentStocktake, reportedStocktake, setChatLocale, type Chat, type ChatPurpose } from '../services/chats.ts';
import { importCounts } from '../services/counts.ts';
import { submitVariances } from '../services/documents.ts';
import { voidCountImport } from '../services/countVoid.ts';
import { cancelStocktake } from '../services/undo.ts';
import { retryDocumentSync } from '../services/erp.ts';
import { erpTexts, syncPhrase } from '../domain/texts/erp.ts';
import { render, type Phrase } from '../domain/phrase.ts';
import { voidedSheetCard } from '../../cards/templates/undo.ts';
import { escapeMarkdown } from '../../cards/render/markdown.ts';
import { isAdminAnywhere } from '../services/administration.ts';
import { requireRole, rolesOf } from '../services/people.ts';
import { closeCounting, getStocktake, startStocktake } from '../services/stocktakes.ts';
import { getWarehouse } from '../services/warehouses.ts';
import { listSchedules, nextRun, SCHEDULE_JOBS, setSchedule } from '../services/schedules.ts';
import { currencyOf } from '../services/reviewViews.ts';
import { staticView, type Outcome } from './outcome.ts';
import type { TextCommand } from './textCommands.ts';
import { performanceFigures, performancePhrases } from '../services/patterns/index.ts';
import { patternTexts } from '../domain/texts/patterns.ts';
import { searchCasesInChat, writeUpCaseInChat } from './caseCommands.ts';
import { caseTexts } from '../domain/texts/cases.ts';
import { parseScope } from '../domain/scope.ts';

export interface CommandScope {
  db: Db;
  chat: Chat;
  ctx: CommandContext;
  locale: Locale;
  templates: TemplateContext;
}

const reply = (...cards: Parameters<typeof staticView>[0][]): Outcome => ({ replies: cards.map(staticView) });

async function boundStocktake(s: CommandScope) {
  const t = messages(s.locale).replies;
  if (!s.chat.warehouseId) throw new InvalidInputError(t.notBound);
  const st = await currentStocktake(s.db, s.chat.warehouseId);
  if (!st) throw new InvalidInputError(t.noStocktake(s.chat.warehouseCode!));
  return st;
}

export async function runTextCommand(s: CommandScope, cmd: TextCommand): Promise<Outcome> {
  const t = messages(s.locale).replies;
  switch (cmd.name) {
    case 'help': {
      // The admin section for an admin of this chat's warehouse (of any, in a chat not bound yet).
      const admin = s.chat.warehouseId
        ? (await rolesOf(s.db, s.ctx.actor.personId, s.chat.warehouseId)).has('admin')
        : await isAdminAnywhere(s.db, s.ctx.actor.personId);
      return reply(helpCard(s.templates, { warehouse: s.chat.warehouseCode, purposes: s.chat.purposes, admin }));
    }
    case 'me': {
      // Only the sender's own figures, whoever they are: others read the chat too.
      if (!s.chat.warehouseId) throw new InvalidInputError(t.notBound);
      const figures = await performanceFigures(s.db, { warehouse: s.chat.warehouseId, viewer: s.ctx.actor });
      const own = <T extends { person: { handle: string } }>(rows: T[]) => rows.filter((r) => r.person.handle === s.ctx.actor.handle);
      const lines = performancePhrases({
        ...figures,
        counters: own(figures.counters),
        reviewers: own(figures.reviewers),
        stocktakes: null,
        cycleTime: null,
      });
      const w = (phrase: Phrase) => render(phrase, s.locale, 'chat');
      const title = w(patternTexts.ownTitle(s.ctx.actor.handle, s.chat.warehouseCode!));
      return reply(noticeCard(title, lines.length > 0 ? lines.map(w).join('\n') : w(patternTexts.noFigures(s.ctx.actor.handle)), 'info'));
    }
    case 'link': {
      // Only a known person gets here (an unknown one's code is redeemed by the dispatcher): already linked.
      const m = messages(s.locale).link;
      return reply(noticeCard(m.title, m.already(s.ctx.actor.handle, s.ctx.actor.identity)));
    }
    case 'bind': {
      if (!cmd.warehouse) throw new InvalidInputError(t.bindUsage);
      const chat = await bindChat(s.db, s.ctx, {
        platform: s.chat.platform,
        chatId: s.chat.chatId,
        warehouse: cmd.warehouse,
        purpose: cmd.purpose as ChatPurpose,
        locale: s.locale,
      });
      return reply(noticeCard(t.boundTitle, t.bound(chat.warehouseCode!, cmd.purpose)));
    }
    case 'lang': {
      if (cmd.mine) {
        const auto = ['auto', 'off', '默认', '自动'].includes((cmd.locale ?? '').toLowerCase());
        const mine = cmd.locale && !auto ? parseLocale(cmd.locale) : null;
        if (!mine && !auto) throw new InvalidInputError(t.langUsage);
        await setPersonLocale(s.db, s.ctx.actor, s.ctx.actor.personId, mine);
        const words = messages(mine ?? s.chat.ownLocale ?? s.chat.locale).replies;
        return reply(noticeCard(words.langTitle, mine ? words.langMine : words.langMineCleared));
      }
      const locale = cmd.locale ? parseLocale(cmd.locale) : null;
      if (!locale) throw new InvalidInputError(t.langUsage);
      await setChatLocale(s.db, s.chat.platform, s.chat.chatId, locale);
      const next = messages(locale).replies;
      return reply(noticeCard(next.langTitle, next.langChanged));
    }
    case 'new': {
      if (!s.chat.warehouseId) throw new InvalidInputError(t.notBound);
      const wh = await getWarehouse(s.db, s.chat.warehouseCode!);
      await requireRole(s.db, s.ctx.actor, wh.id, wh.code, SUPERVISING_ROLES, 'start a stocktake');
      const scope = cmd.scope ? parseScope(cmd.scope) : null;
      const started = await startStocktake(s.db, wh.code, s.ctx.now, s.ctx.actor, { blind: cmd.blind, scope });
      const text = started.blind ? t.startedBlind(started.code) : t.started(started.code);
      return { replies: [staticView(noticeCard(t.startedTitle, text)), { kind: 'status', stocktakeId: started.id }] };
    }
    case 'status':
    case 'report': {
      if (!s.chat.warehouseId) throw new InvalidInputError(t.notBound);
      const st = await reportedStocktake(s.db, s.chat.warehouseId);
      if (!st) throw new InvalidInputError(t.noStocktake(s.chat.warehouseCode!));
      return { replies: [{ kind: 'status', stocktakeId: st.id }] };
    }
    case 'variances': {
      const st = await boundStocktake(s);
      return { replies: [{ kind: 'variances', stocktakeId: st.id, page: cmd.page }] };
    }
    case 'countUsage':
      throw new InvalidInputError(t.countUsage);
    case 'countNegative':
      throw new InvalidInputError(t.countNegative(cmd.qty));
    case 'count': {
      if (!s.chat.warehouseId) throw new InvalidInputError(t.notBound);
      const wh = await getWarehouse(s.db, s.chat.warehouseCode!);
      await requireRole(s.db, s.ctx.actor, wh.id, wh.code, COUNTING_ROLES, 'record a count');
      const st = await boundStocktake(s);
      // One line as a sheet of its own; the count time makes each recount a distinct sheet.
      const csv = `sku,location,qty,counted_at\n${[cmd.sku, cmd.location, cmd.qty, (s.ctx.now ?? new Date()).toISOString()].map(csvField).join(',')}\n`;
      const report = await importCounts(
        s.db,
        st.id,
        bufferSource(`chat-count-${cmd.sku}.csv`, csv),
        { counter: s.ctx.actor.handle },
        s.ctx.actor,
      );
      const line = `${cmd.sku}${cmd.location ? ` @ ${cmd.location}` : ''}`;
      return {
        replies: [
          staticView(
            noticeCard(t.countRecorded(line, cmd.qty), t.countRecorded(line, cmd.qty), 'success', [
              { label: 'round', value: String(report.round) },
            ]),
          ),
          ...(st.status !== 'counting' ? [{ kind: 'variance' as const, stocktakeId: st.id, sku: cmd.sku, location: cmd.location }] : []),
        ],
      };
    }
    case 'close': {
      const st = await boundStocktake(s);
      const closed = await closeCounting(s.db, st.id, { actor: s.ctx.actor, now: s.ctx.now });
      return reply(noticeCard(t.closedTitle, t.closed(closed.openVariances, closed.autoConfirmed, closed.uncountedAsZero)));
    }
    case 'submit': {
      const st = await boundStocktake(s);
      const result = await submitVariances(s.db, s.ctx, { stocktake: st.id });
      const docs = result.documents.map((d) => `${d.number} (${d.lineCount}, ${d.totalValue} ${d.currency})`).join(', ');
      return {
        replies: [
          staticView(noticeCard(t.submittedTitle, t.submitted(docs, result.notReady), result.documents.length ? 'success' : 'warning')),
          { kind: 'status', stocktakeId: st.id },
        ],
      };
    }
    case 'cancelUsage':
      throw new InvalidInputError(t.cancelUsage);
    case 'cancel': {
      const st = await boundStocktake(s);
      const r = await cancelStocktake(s.db, s.ctx, { stocktake: st.id, reason: cmd.reason });
      return reply(noticeCard(t.cancelledTitle, t.cancelled(r.code, escapeMarkdown(r.reason), r.documentsWithdrawn.join(', ')), 'warning'));
    }
    case 'voidUsage':
      throw new InvalidInputError(t.voidUsage);
    case 'void': {
      const st = await boundStocktake(s);
      return reply(
        voidedSheetCard(s.templates, await voidCountImport(s.db, s.ctx, { stocktake: st.id, sheet: cmd.sheet, reason: cmd.reason })),
      );
    }
    case 'scheduleUsage':
      throw new InvalidInputError(messages(s.locale).schedule.usage);
    case 'schedule':
      return schedule(s, cmd);
    case 'sync': {
      // The ERP sync of a posted document, retried by an approver or admin (README "ERP connectors").
      if (!cmd.document) throw new InvalidInputError(erpTexts.syncUsage());
      const r = await retryDocumentSync(s.db, s.ctx.actor, { document: cmd.document });
      const say = (phrase: Phrase) => render(phrase, s.locale, 'chat');
      return reply(
        noticeCard(
          say(erpTexts.syncHeading()),
          [say(erpTexts.retried(r.retried, r.document)), ...r.sync.map((x) => say(syncPhrase(x, s.locale)))].map(escapeMarkdown).join('\n'),
        ),
      );
    }
    case 'cases':
      return searchCasesInChat(s, cmd);
    case 'caseAddUsage':
      throw new InvalidInputError(caseTexts.chatUsage());
    case 'caseAdd':
      return writeUpCaseInChat(s, cmd);
    case 'tap':
    case 'input':
    case 'unknown':
      throw new InvalidInputError(t.unknownCommand(cmd.name === 'unknown' ? cmd.text : cmd.name));
  }
}

/** Shows or changes the report schedule of a digest chat (supervisors, managers, admins change it). */
async function schedule(s: CommandScope, cmd: Extract<TextCommand, { name: 'schedule' }>): Promise<Outcome> {
  const t = messages(s.locale);
  if (!s.chat.warehouseId) throw new InvalidInputError(t.replies.notBound);
  if (!s.chat.purposes.includes('digest')) throw new InvalidInputError(t.schedule.notDigest(s.chat.warehouseCode!));
  const chat = { platform: s.chat.platform, chatId: s.chat.chatId };
  const changes: string[] = [];
  if (cmd.action !== 'show') {
    for (const job of cmd.job ? [cmd.job] : SCHEDULE_JOBS) {
      const after = await setSchedule(
        s.db,
        s.ctx.actor,
        {
          ...chat,
          job,
          enabled: cmd.action !== 'off',
          ...(cmd.cron !== undefined ? { cron: cmd.cron } : {}),
          ...(cmd.timezone ? { timezone: cmd.timezone } : {}),
        },
        s.ctx.now,
      );
      const report = t.schedule[job];
      changes.push(
        cmd.action === 'off'
          ? t.schedule.turnedOff(report)
          : cmd.action === 'on'
            ? t.schedule.turnedOn(report)
            : t.schedule.set(report, after.cron, after.timezone),
      );
    }
  }
  const lines = (await listSchedules(s.db, chat)).filter((l) => !cmd.job || cmd.action !== 'show' || l.job === cmd.job);
  return reply(
    scheduleCard(s.templates, {
      warehouse: s.chat.warehouseCode!,
      lines: lines.map((l) => ({
        job: l.job,
        cron: l.cron,
        timezone: l.timezone,
        enabled: l.enabled,
        isDefault: l.isDefault,
        next: nextRun(l)?.toISOString() ?? null,
      })),
      changes,
    }),
  );
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The largest workbook whose sheets are offered as buttons (its bytes are stored with the card's buttons). */
export const MAX_PICKED_WORKBOOK_BYTES = 1024 * 1024;

/** A count sheet sent to a bound team chat: imported as the sender's count, answered with its summary. */
export async function importSheet(s: CommandScope, file: { name: string; bytes: Buffer; sheet?: string }): Promise<Outcome> {
  const st = await boundStocktake(s);
  const wh = await getWarehouse(s.db, s.chat.warehouseCode!);
  await requireRole(s.db, s.ctx.actor, wh.id, wh.code, COUNTING_ROLES, 'import a count sheet');
  let r;
  try {
    r = await importCounts(
      s.db,
      st.id,
      bufferSource(file.name, file.bytes),
      { counter: s.ctx.actor.handle, ...(file.sheet !== undefined ? { sheet: file.sheet } : {}) },
      s.ctx.actor,
    );
  } catch (error) {
    // Several sheets hold counts: the sender picks one on a card. The upload rides with the buttons (a
    // chat cannot send it again on a tap), so only a workbook of modest size gets them.
    if (!(error instanceof ChooseSheetError) || file.bytes.length > MAX_PICKED_WORKBOOK_BYTES) throw error;
    const upload = file.bytes.toString('base64');
    return { replies: [{ kind: 'sheetChoice', stocktakeId: st.id, fileName: file.name, sheets: error.sheets, upload }] };
  }
  const currency = await currencyOf(s.db, wh.id);
  const hidden = hidesBookFigures(await getStocktake(s.db, st.id));
  return reply(
    importSummaryCard(s.templates, {
      fileName: r.fileName,
      stocktakeCode: r.stocktake,
      counter: r.counter,
      round: r.round,
      rowsRead: r.rowsRead,
      rowsAccepted: r.rowsAccepted,
      rowsRejected: r.rowsRejected,
      linesCounted: r.linesCounted,
      linesVerified: r.linesVerified,
      linesInConflict: r.linesInConflict,
      linesNotInBook: r.linesNotInBook,
      linesSuperseded: r.linesSuperseded,
      linesResolved: r.linesResolved,
      uncounted: r.progress.lines.uncounted,
      sheet: r.sheet,
      ignoredColumns: r.ignoredColumns.map((c) => c.localized[s.templates.locale]),
      // The summary goes to the whole team chat: a blind count still counting shows it no book figures.
      variances: hidden
        ? null
        : {
            gains: r.progress.variances.gain,
            losses: r.progress.variances.loss,
            gainValue: r.progress.variances.gainValue,
            lossValue: r.progress.variances.lossValue,
            netValue: r.progress.variances.netValue,
          },
      currency,
      problems: r.problems.map((p) => ({
        line: p.line ?? 0,
        ...(p.column ? { column: p.column } : {}),
        message: problemText(p, s.templates.locale, 'chat'),
      })),
    }),
  );
}
