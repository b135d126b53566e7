/**
 * Reading Feishu card JSON 2.0 in tests as a person reads the card: its title, its text, and what each
 * button, select and form would send back when tapped.
 */
import type { FakeFeishu, FakeFeishuMessage } from '../fakes/feishu/index.ts';

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) for (const x of node) walk(x, visit);
  else if (node && typeof node === 'object') {
    visit(node as Node);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

/** The card as it is now: the last update (patch or tap reply), else what was sent. */
export const latest = (m: FakeFeishuMessage): unknown => (m.updates.length > 0 ? m.updates[m.updates.length - 1] : m.content);

export const titleOf = (card: unknown): string => (card as { header?: { title?: { content?: string } } }).header?.title?.content ?? '';

/** Every string on the card (markdown, labels, table cells), one a line. */
export function textOf(card: unknown): string {
  const out: string[] = [];
  walk(card, (n) => {
    for (const [k, v] of Object.entries(n))
      if (typeof v === 'string' && k !== 'tag' && !/^(template|type|name|width|flex_mode|text_size)$/.test(k)) out.push(v);
  });
  return out.join('\n');
}

const callbackValue = (n: Node) => (n.behaviors as { value?: Record<string, unknown> }[] | undefined)?.[0]?.value ?? null;

/** What a button whose label matches sends back (`{t: token}`). */
export function buttonValue(card: unknown, label: RegExp): Record<string, unknown> {
  let found: Record<string, unknown> | null = null;
  walk(card, (n) => {
    if (!found && n.tag === 'button' && !n.form_action_type && label.test((n.text as { content?: string } | undefined)?.content ?? ''))
      found = callbackValue(n);
  });
  if (!found) throw new Error(`no button ${label} on card "${titleOf(card)}"`);
  return found;
}

/** What the card's select sends back (with the chosen `option` beside it). */
export function selectValue(card: unknown): Record<string, unknown> {
  let found: Record<string, unknown> | null = null;
  walk(card, (n) => {
    if (!found && n.tag === 'select_static') found = callbackValue(n);
  });
  if (!found) throw new Error(`no select on card "${titleOf(card)}"`);
  return found;
}

/** What the submit button of the card's form sends back (with `form_value` beside it). */
export function formValue(card: unknown): Record<string, unknown> {
  let found: Record<string, unknown> | null = null;
  walk(card, (n) => {
    if (!found && n.tag === 'button' && n.form_action_type === 'submit') found = callbackValue(n);
  });
  if (!found) throw new Error(`no form on card "${titleOf(card)}"`);
  return found;
}

/** The bot's card messages in a chat whose current title matches. */
export function cardsTitled(fake: FakeFeishu, title: RegExp, chatId?: string): FakeFeishuMessage[] {
  return fake.messages.filter((m) => m.msgType === 'interactive' && (!chatId || m.chatId === chatId) && title.test(titleOf(m.content)));
}

/** The one card message whose first version's title matches; fails loudly when there is none or several. */
export function theCard(fake: FakeFeishu, title: RegExp, chatId?: string): FakeFeishuMessage {
  const found = cardsTitled(fake, title, chatId);
  if (found.length !== 1)
    throw new Error(
      `expected one card titled ${title}, found ${found.length}: ${fake.messages.map((m) => titleOf(m.content)).join(' | ')}`,
    );
  return found[0]!;
}
