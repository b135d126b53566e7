/** Taps: a verified intent becomes one service call; the toast says what happened. */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import type { ActionIntent } from '../../cards/actions.ts';
import { messages, type Locale } from '../../cards/i18n/index.ts';
import { lineRef } from '../domain/stocktake.ts';
import { InvalidInputError, NoteRequiredError, problemText, StaleCommandError } from '../domain/errors.ts';
import type { CommandContext } from '../domain/people.ts';
import { approveDocument, rejectDocument } from '../services/approvals.ts';
import { getCause } from '../services/causes.ts';
import { resolveDocument } from '../services/documents.ts';
import { addNote, confirmVariance, reopenVariance, requestRecount, tagCause } from '../services/review.ts';
import { withdrawDocument } from '../services/undo.ts';
import { retryDocumentSync } from '../services/erp.ts';
import { erpTexts, syncPhrase } from '../domain/texts/erp.ts';
import { render, type Phrase } from '../domain/phrase.ts';
import { reviewDetails } from '../services/reviewViews.ts';
import { staticView, type Outcome } from './outcome.ts';
import { errorCard } from '../../cards/templates/notice.ts';
import type { Chat } from '../services/chats.ts';
import { importSheet } from './commandHandlers.ts';

export interface TapInput {
  option?: string;
  input?: string;
  wantsInput?: boolean;
  token: string;
}

const noButtons = (): never => {
  throw new Error('an import summary has no buttons');
};

/** Who counted the line last: the natural person to recount it; the tapper when nobody is recorded. */
async function lastCounter(
  db: Db,
  stocktakeId: string,
  line: { sku: string; location: string; lot?: string },
  fallback: string,
): Promise<string> {
  const [row] = await queryRows<{ handle: string }>(
    db,
    sql`select p.handle from count_entry e join count_import ci on ci.id = e.import_id join person p on p.id = ci.counter_person_id
        where ci.stocktake_id = ${stocktakeId}::uuid and ci.voided_at is null and e.sku = ${line.sku} and e.location = ${line.location} and e.lot = ${line.lot ?? ''}
        order by ci.round desc, ci.imported_at desc limit 1`,
  );
  return row?.handle ?? fallback;
}

/** Mints and stores the token of a follow-up intent (the note a picked cause needs), for a prompt to complete. */
export type AskFor = (intent: ActionIntent) => Promise<string>;

export async function runIntent(
  db: Db,
  ctx: CommandContext,
  locale: Locale,
  intent: ActionIntent,
  tap: TapInput,
  chat: Chat | null = null,
  ask: AskFor | null = null,
): Promise<Outcome> {
  const t = messages(locale).replies;
  const ok = (text: string): Outcome => ({ replies: [], toast: { kind: 'success', text } });
  switch (intent.kind) {
    case 'variance.confirm':
      await confirmVariance(db, ctx, { stocktake: intent.stocktakeId, line: lineRef(intent) });
      return ok(t.confirmed);
    case 'variance.cause': {
      // The cause comes with the tap (a select, a form), or was picked before a prompt asked for its note.
      const code = intent.cause ?? tap.option;
      if (!code) throw new InvalidInputError(t.optionRequired);
      const note = tap.input?.trim();
      if (intent.cause && !note) throw new InvalidInputError(t.inputRequired);
      try {
        await tagCause(db, ctx, { stocktake: intent.stocktakeId, line: lineRef(intent), cause: code, ...(note ? { note } : {}) });
      } catch (error) {
        if (!(error instanceof NoteRequiredError)) throw error;
        const label = locale === 'en' ? error.picked.labelEn : error.picked.labelZh;
        // A form with a note box (Feishu, the console) was sent without the note: the form is still there,
        // so the card is left as it is (what was picked and typed stays) and the toast says what to add.
        if (tap.input !== undefined || !ask)
          return { replies: [], toast: { kind: 'warning', text: t.causeNeedsNote(label) }, keepCard: true };
        // A pick without a form (Telegram's buttons, DingTalk's select): ask for the note; the answer tags both.
        const text = t.causeNotePrompt(lineRef(intent), label);
        const { kind, stocktakeId, sku, location, lot } = intent;
        const token = await ask({ kind, stocktakeId, sku, location, ...(lot ? { lot } : {}), cause: code });
        return { replies: [], toast: { kind: 'info', text }, prompt: { text, token }, keepCard: true };
      }
      const cause = await getCause(db, code);
      return ok(
        note
          ? t.causeTaggedWithNote(locale === 'en' ? cause.labelEn : cause.labelZh)
          : t.causeTagged(locale === 'en' ? cause.labelEn : cause.labelZh),
      );
    }
    case 'variance.note': {
      if (tap.wantsInput)
        return {
          replies: [],
          toast: { kind: 'info', text: t.notePrompt(lineRef(intent)) },
          prompt: { text: t.notePrompt(lineRef(intent)), token: tap.token },
        };
      if (!tap.input?.trim()) throw new InvalidInputError(t.inputRequired);
      await addNote(db, ctx, { stocktake: intent.stocktakeId, line: lineRef(intent), note: tap.input });
      return ok(t.noteSaved);
    }
    case 'variance.recount': {
      const recounter = await lastCounter(db, intent.stocktakeId, intent, ctx.actor.handle);
      await requestRecount(db, ctx, { stocktake: intent.stocktakeId, line: lineRef(intent), recounter });
      return ok(t.recountRequested);
    }
    case 'variance.reopen': {
      if (tap.wantsInput)
        return {
          replies: [],
          toast: { kind: 'info', text: t.reopenPrompt(lineRef(intent)) },
          prompt: { text: t.reopenPrompt(lineRef(intent)), token: tap.token },
        };
      if (!tap.input?.trim()) throw new InvalidInputError(t.inputRequired);
      await reopenVariance(db, ctx, { stocktake: intent.stocktakeId, line: lineRef(intent), reason: tap.input });
      return ok(t.reopened);
    }
    case 'variance.open':
      return {
        replies: [
          {
            kind: 'variance',
            stocktakeId: intent.stocktakeId,
            sku: intent.sku,
            location: intent.location,
            ...(intent.lot ? { lot: intent.lot } : {}),
          },
        ],
        toast: { kind: 'info', text: t.opened },
      };
    case 'variances.page':
      return {
        replies: [],
        toast: { kind: 'info', text: t.pageShown },
        retarget: { kind: 'variances', stocktakeId: intent.stocktakeId, page: intent.page },
      };
    case 'variances.accept': {
      // Each line is its own command (own idempotency key), so a line that moved on meanwhile is skipped
      // without undoing the others.
      const details = await reviewDetails(db, intent.stocktakeId, intent.lines);
      let done = 0;
      for (const [i, d] of details.entries()) {
        const key = (step: string) => (ctx.idempotencyKey ? { ...ctx, idempotencyKey: `${ctx.idempotencyKey}:${i}:${step}` } : ctx);
        const cause = d.causeCode ?? d.suggestion?.cause;
        if (!cause || (d.reviewStatus !== 'open' && d.reviewStatus !== 'confirmed')) continue;
        try {
          if (d.reviewStatus === 'open') await confirmVariance(db, key('confirm'), { stocktake: intent.stocktakeId, line: lineRef(d) });
          if (!d.causeCode) await tagCause(db, key('tag'), { stocktake: intent.stocktakeId, line: lineRef(d), cause });
          done += 1;
        } catch (error) {
          if (!(error instanceof StaleCommandError || error instanceof InvalidInputError)) throw error;
        }
      }
      return ok(t.accepted(done));
    }
    case 'sheet.import': {
      if (!chat) throw new InvalidInputError(t.optionRequired);
      // The summary card has no buttons: nothing is minted for it.
      const templates = { locale, timezone: chat.timezone, act: noButtons };
      try {
        const outcome = await importSheet(
          { db, chat, ctx, locale, templates },
          { name: intent.fileName, bytes: Buffer.from(intent.upload, 'base64'), sheet: intent.sheet },
        );
        return { ...outcome, toast: { kind: 'success', text: messages(locale).importSummary.sheetImported(intent.sheet) } };
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        // The sheet's problems deserve the card an upload gets, line by line, not a one-line toast.
        const text = error.textFor(locale, 'chat');
        const problems = error.problems.map((p) => ({
          line: p.line ?? 0,
          ...(p.column ? { column: p.column } : {}),
          message: problemText(p, locale, 'chat'),
        }));
        return { replies: [staticView(errorCard(templates, text, problems))], toast: { kind: 'error', text } };
      }
    }
    case 'document.approve':
      await approveDocument(db, ctx, { document: intent.documentId, step: intent.step });
      return ok(t.approved);
    case 'document.reject': {
      if (tap.wantsInput) {
        const { number } = await resolveDocument(db, intent.documentId);
        return {
          replies: [],
          toast: { kind: 'info', text: t.reasonPrompt(number) },
          prompt: { text: t.reasonPrompt(number), token: tap.token },
        };
      }
      if (!tap.input?.trim()) throw new InvalidInputError(t.inputRequired);
      await rejectDocument(db, ctx, { document: intent.documentId, step: intent.step, reason: tap.input.trim() });
      return ok(t.rejected);
    }
    case 'document.withdraw': {
      const { number } = await resolveDocument(db, intent.documentId);
      if (tap.wantsInput)
        return {
          replies: [],
          toast: { kind: 'info', text: t.withdrawPrompt(number) },
          prompt: { text: t.withdrawPrompt(number), token: tap.token },
        };
      if (!tap.input?.trim()) throw new InvalidInputError(t.inputRequired);
      await withdrawDocument(db, ctx, { document: intent.documentId, reason: tap.input });
      return ok(t.withdrawn(number));
    }
    case 'document.erpRetry': {
      let r: Awaited<ReturnType<typeof retryDocumentSync>>;
      try {
        r = await retryDocumentSync(db, ctx.actor, { document: intent.documentId });
      } catch (error) {
        // Synced everywhere already: not an out-of-date card (the card never shows the sync), an answer.
        if (!(error instanceof StaleCommandError)) throw error;
        return { replies: [], toast: { kind: 'info', text: error.textFor(locale, 'chat') } };
      }
      const say = (phrase: Phrase) => render(phrase, locale, 'chat');
      return ok([say(erpTexts.retried(r.retried, r.document)), ...r.sync.map((x) => say(syncPhrase(x, locale)))].join('\n'));
    }
  }
}
