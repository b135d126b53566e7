/**
 * The reminder card: what is overdue in a warehouse, who it waits for and how late, and whom it was
 * escalated to. Everyone reminded or escalated to is also one of the card's `mentions`, with all their
 * accounts, so each platform's renderer notifies them through the account it knows (a real @-mention).
 */
import { messages, type Locale } from '../i18n/index.ts';
import { card, MAX_MENTION_IDENTITIES, MAX_MENTION_NAME, MAX_MENTIONS, MENTION_IDENTITY, type Card, type Mention } from '../model.ts';
import { escapeMarkdown } from '../render/markdown.ts';
import { truncateText } from '../render/text.ts';

export interface ReminderPerson {
  handle: string;
  name: string;
  /** Their chat accounts, "platform:id" (person_identity): whom the card mentions, on each platform. */
  identities?: string[];
}

export interface ReminderEntry {
  type: 'variance' | 'step' | 'action';
  /** The stocktake code of a variance, the document number of a step, the case code of a corrective action. */
  ref: string;
  /** SKU@location of a variance; the step number of a step; the case's title for an action. */
  what: string;
  /** A step's role (and a variance owner's, unused on the card). */
  role: string | null;
  people: ReminderPerson[];
  lateMs: number;
  /** Empty unless the item was escalated in this reminder. */
  escalatedTo: ReminderPerson[];
}

export interface ReminderView {
  warehouse: string;
  entries: ReminderEntry[];
  /** Rows shown; the rest are counted as "… and N more". */
  limit: number;
}

const MINUTE = 60_000;

/**
 * "Sam Chen (sam)", or "sam" when the name is the handle. No "@" in the text: the card's mentions notify
 * people, and Telegram would read "@alice" as a link to whoever owns that public username.
 */
function mention(p: ReminderPerson): string {
  return p.name && p.name !== p.handle ? `${p.name} (${p.handle})` : p.handle;
}

/** A name cut to the MAX_MENTION_NAME UTF-16 units a mention holds (code points, so never half a character). */
function mentionName(name: string): string {
  let keep = MAX_MENTION_NAME;
  let out = truncateText(name, keep);
  while (out.length > MAX_MENTION_NAME) out = truncateText(name, --keep);
  return out;
}

/** A person as a card mention: their name (cut to fit) and those of their accounts a card can carry. */
export function toMention(p: ReminderPerson): Mention {
  return {
    name: mentionName(p.name || p.handle),
    identities: (p.identities ?? []).filter((i) => MENTION_IDENTITY.test(i)).slice(0, MAX_MENTION_IDENTITIES),
  };
}

export function reminderCard(ctx: { locale: Locale }, view: ReminderView): Card {
  const t = messages(ctx.locale).reminder;
  const list = (people: ReminderPerson[]) => people.map(mention).join(ctx.locale === 'zh-CN' ? '、' : ', ');
  const unique = (people: ReminderPerson[]) => [...new Map(people.map((p) => [p.handle, p])).values()];
  const late = (ms: number) => {
    const minutes = Math.max(0, Math.floor(ms / MINUTE));
    return t.lateBy(Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60);
  };
  const reminded = unique(view.entries.flatMap((e) => e.people));
  const escalated = unique(view.entries.flatMap((e) => e.escalatedTo));
  const mentioned = unique([...reminded, ...escalated]);
  const shown = view.entries.slice(0, view.limit);
  const intro = [
    reminded.length > 0 ? t.intro(escapeMarkdown(list(reminded))) : null,
    escalated.length > 0 ? t.escalatedIntro(escapeMarkdown(list(escalated))) : null,
  ]
    .filter(Boolean)
    .join('\n');
  return card({
    header: {
      title: t.title(view.entries.length),
      subtitle: t.subtitle(view.warehouse),
      state: escalated.length > 0 ? 'danger' : 'warning',
    },
    elements: [
      ...(intro ? [{ type: 'markdown' as const, text: intro }] : []),
      {
        type: 'table',
        columns: [
          { key: 'item', label: t.item },
          { key: 'who', label: t.who },
          { key: 'late', label: t.late, align: 'right' },
          ...(escalated.length > 0 ? [{ key: 'escalated', label: t.escalated }] : []),
        ],
        rows: shown.map((e) => ({
          item:
            e.type === 'variance'
              ? t.variance(e.what, e.ref)
              : e.type === 'action'
                ? t.action(e.ref, truncateText(e.what, 40))
                : t.step(e.ref, Number(e.what), e.role ?? ''),
          who: e.people.length > 0 ? list(e.people) : t.nobody,
          late: late(e.lateMs),
          escalated: list(e.escalatedTo),
        })),
        more: Math.max(0, view.entries.length - shown.length),
      },
    ],
    footer: t.footer,
    // Past the cap the rest are still named in the intro, only not notified.
    ...(mentioned.length > 0 && { mentions: mentioned.slice(0, MAX_MENTIONS).map(toMention) }),
  });
}
