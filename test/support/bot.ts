/**
 * A warehouse team for bot tests: WH1 with its book, the cast of test/support/flow.ts with identities on
 * one platform, and the core (dispatcher and sender) wired to the deliverers under test.
 */
import type { Db } from '../../db/client.ts';
import { loadActionSigner } from '../../src/core/actionToken.ts';
import type { Card } from '../../cards/model.ts';
import { DeliveryError, type Deliverer } from '../../src/core/delivery.ts';
import type { Capabilities, InboundEvent, TextEvent } from '../../src/core/events.ts';
import { createDispatcher, type Dispatcher } from '../../src/core/dispatcher.ts';
import { silentLogger, type Logger } from '../../src/core/log.ts';
import { createSender, type Sender } from '../../src/core/sender.ts';
import { addPerson, grantRole } from '../../src/services/people.ts';
import { CAST } from './flow.ts';
import { seedWarehouse } from './fixtures.ts';
import { PATIENCE_MS } from './wait.ts';

export type Handle = keyof typeof CAST;

/** Seeds WH1 and the cast; `identities` maps a handle to its platform user id. */
export async function seedTeam(db: Db, platform: string, identities: Partial<Record<Handle, string>>): Promise<void> {
  await seedWarehouse(db);
  for (const [handle, roles] of Object.entries(CAST) as [Handle, readonly string[]][]) {
    const id = identities[handle];
    await addPerson(db, { handle, name: handle, identities: id ? [`${platform}:${id}`] : [] });
    for (const role of roles) await grantRole(db, handle, role, 'WH1');
  }
}

export interface BotCore {
  dispatch: Dispatcher;
  sender: Sender;
}

/** The dispatcher and a sender (not polling: tests call `sender.drainUntilIdle()`). */
export async function botCore(
  db: Db,
  deliverers: (Deliverer & { capabilities?: Capabilities })[],
  log: Logger = silentLogger,
): Promise<BotCore> {
  const signer = await loadActionSigner(db);
  const created = createSender({ db, signer, deliverers, log, leaseMs: 5_000 });
  // The sender's own default gives up quietly after 10 s, and a test would then fail later on a message
  // that was merely slow to go out: drain as long as a test waits for anything.
  const sender: Sender = { ...created, drainUntilIdle: (timeoutMs = PATIENCE_MS) => created.drainUntilIdle(timeoutMs) };
  // Adapters under test declare their capabilities as in production; a bare deliverer gets none.
  const capabilities = Object.fromEntries(deliverers.flatMap((d) => (d.capabilities ? [[d.platform, d.capabilities]] : [])));
  const dispatch = createDispatcher({ db, signer, log, defaultLocale: 'en', capabilities });
  return { dispatch, sender };
}

/** A count sheet as a chat upload would carry it. */
export function sheet(rows: (string | number)[][]): Buffer {
  return Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n', 'utf8');
}

/** A deliverer that records what the sender gave it, with message ids m1, m2… and prompts p3…. */
export class RecordingDeliverer implements Deliverer {
  /** Chats whose person the platform says cannot be reached (a direct message nobody can get). */
  readonly unreachable = new Set<string>();
  constructor(readonly platform = 'web') {}
  readonly limits = { perChatIntervalMs: 0, perChatPerMinute: null, perAppPerSecond: 1000 };
  sent: { chatId: string; messageId: string; card: Card; key: string; updates: Card[] }[] = [];
  prompts: { chatId: string; messageId: string; text: string }[] = [];
  failures: DeliveryError[] = [];
  private next = 1;
  async send(chatId: string, card: Card, options: { idempotencyKey: string }) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.unreachable.has(chatId)) throw new DeliveryError(`${chatId} cannot be reached`, { permanent: true, unreachable: true });
    const messageId = `m${this.next++}`;
    this.sent.push({ chatId, messageId, card, key: options.idempotencyKey, updates: [] });
    return { messageId };
  }
  async update(_chatId: string, messageId: string, card: Card) {
    this.sent.find((m) => m.messageId === messageId)!.updates.push(card);
  }
  async prompt(chatId: string, text: string) {
    const messageId = `p${this.next++}`;
    this.prompts.push({ chatId, messageId, text });
    return { messageId };
  }
  last(): Card {
    return this.sent.at(-1)!.card;
  }
}

let eventCounter = 0;

/** An addressed text message in the web team chat, with a fresh event id (and message id u<n>). */
export function teamText(userId: string, body: string, extra: Partial<TextEvent> = {}): InboundEvent {
  const n = ++eventCounter;
  return {
    type: 'text',
    platform: 'web',
    eventId: `e${n}`,
    chatId: 'team',
    chatType: 'group',
    userId,
    text: body,
    addressed: true,
    messageId: `u${n}`,
    ...extra,
  };
}
