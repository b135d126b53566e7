/** The case library in a chat: "案例 破损" searches it, "写成案例 LINE | … " writes up an explained variance. */
import { noticeCard } from '../../cards/templates/notice.ts';
import { escapeMarkdown } from '../../cards/render/markdown.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { render } from '../domain/phrase.ts';
import { CASE_WORDS, caseTexts } from '../domain/texts/cases.ts';
import { createCase, listCases } from '../services/cases.ts';
import { reportedStocktake } from '../services/chats.ts';
import { requireAnyRole } from '../services/people.ts';
import type { CommandScope } from './commandHandlers.ts';
import { staticView, type Outcome } from './outcome.ts';
import type { TextCommand } from './textCommands.ts';

/** Cases listed in one answer. */
const SHOWN = 5;

const bound = (s: CommandScope) => {
  if (!s.chat.warehouseId) throw new InvalidInputError(caseTexts.chatNotBound());
  return { id: s.chat.warehouseId, code: s.chat.warehouseCode! };
};

/** Searches the bound warehouse's cases (its open ones without words): the best few, with their action. */
export async function searchCasesInChat(s: CommandScope, cmd: Extract<TextCommand, { name: 'cases' }>): Promise<Outcome> {
  const wh = bound(s);
  await requireAnyRole(s.db, s.ctx.actor, wh.id, `warehouse ${wh.code}`);
  const w = CASE_WORDS[s.locale];
  const query = cmd.query.trim();
  const found = await listCases(s.db, { warehouse: wh.code, limit: SHOWN, ...(query ? { query } : { status: 'open' }) });
  const text =
    found.length === 0
      ? query
        ? render(caseTexts.noneFound(query), s.locale, 'chat')
        : w.none
      : found
          .map(
            (c) =>
              `**${c.code}** ${escapeMarkdown(c.title)} · ${w.status[c.status]} · ${w.action} ${escapeMarkdown(c.actionOwner)} ${c.actionDue}`,
          )
          .join('\n');
  return { replies: [staticView(noticeCard(`${w.library} · ${wh.code}`, text, 'info'))] };
}

/** Writes up a line of the chat's stocktake (the current one, else the last posted) as a case. */
export async function writeUpCaseInChat(s: CommandScope, cmd: Extract<TextCommand, { name: 'caseAdd' }>): Promise<Outcome> {
  const wh = bound(s);
  const st = await reportedStocktake(s.db, wh.id);
  if (!st) throw new InvalidInputError(caseTexts.chatNoStocktake(wh.code));
  const created = await createCase(s.db, s.ctx, {
    stocktake: st.id,
    lines: [cmd.line],
    title: cmd.title,
    whatHappened: cmd.whatHappened,
    action: cmd.action,
    actionOwner: cmd.owner,
    actionDue: cmd.due,
  });
  const w = CASE_WORDS[s.locale];
  return {
    replies: [
      staticView(
        noticeCard(
          render(caseTexts.created(created.code, created.title), s.locale, 'chat'),
          escapeMarkdown(created.whatHappened),
          'success',
          [
            { label: w.rootCause, value: created.causeCode },
            { label: w.evidence, value: created.lines.map((l) => l.line).join(', ') },
            { label: w.action, value: created.action },
            { label: w.actionOwner, value: created.actionOwner },
            { label: w.due, value: created.actionDue },
          ],
        ),
      ),
    ],
  };
}
