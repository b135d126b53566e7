/**
 * Action tokens: what a button carries. `<id>.<signature>`, 22 ASCII characters: a random id naming a
 * stored intent (card_action) and the first 8 bytes of its HMAC-SHA256 under the installation's secret.
 * A forged or altered token fails the signature before the database is asked; a valid one names an
 * intent, which the dispatcher checks against the current state before acting.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { unnestColumns } from '../../db/bulk.ts';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { actionIntentSchema, type ActionIntent } from '../../cards/actions.ts';
import { ExpiredActionError, ForgedActionError } from '../domain/errors.ts';
import { chatTexts } from '../domain/texts/chat.ts';

const ID_LENGTH = 10;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TOKEN_PATTERN = /^([0-9A-Za-z]{10})\.([A-Za-z0-9_-]{11})$/;
export const TOKEN_LENGTH = 22;

export class ActionSigner {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 16) throw new Error('the action secret must be at least 16 bytes');
  }

  private signature(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest().subarray(0, 8).toString('base64url');
  }

  /** A fresh signed token. */
  mint(): { id: string; token: string } {
    const bytes = randomBytes(ID_LENGTH);
    let id = '';
    for (const b of bytes) id += ALPHABET[b % 62];
    return { id, token: `${id}.${this.signature(id)}` };
  }

  /** The id of a token this installation signed; throws ForgedActionError otherwise. */
  verify(token: string): string {
    const match = TOKEN_PATTERN.exec(token);
    if (!match) throw new ForgedActionError(chatTexts.malformedButton());
    const expected = Buffer.from(this.signature(match[1]!));
    const given = Buffer.from(match[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ForgedActionError(chatTexts.forgedButton());
    }
    return match[1]!;
  }
}

/**
 * The installation's signing secret: STOCKTAKE_ACTION_SECRET when set, else one made on first use and kept
 * in the database (so every instance sharing the database verifies every other's buttons).
 */
export async function loadActionSigner(db: DbOrTx, configured?: string): Promise<ActionSigner> {
  return new ActionSigner(await loadInstallationSecret(db, configured));
}

/** The installation's secret (also signs console sessions): configured, or made once and kept in the database. */
export async function loadInstallationSecret(db: DbOrTx, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  await db.execute(
    sql`insert into app_setting (key, value) values ('action_secret', ${randomBytes(32).toString('base64')}) on conflict do nothing`,
  );
  const [row] = await queryRows<{ value: string }>(db, sql`select value from app_setting where key = 'action_secret'`);
  return Buffer.from(row!.value, 'base64');
}

/** Collects the intents a card's buttons stand for while it is rendered; `save` stores them with the card. */
export class ActionMinter {
  readonly minted: { id: string; intent: ActionIntent }[] = [];
  constructor(private readonly signer: ActionSigner) {}

  act = (intent: ActionIntent): { token: string } => {
    const { id, token } = this.signer.mint();
    this.minted.push({ id, intent });
    return { token };
  };

  async save(db: DbOrTx, cardMessageId: string | null): Promise<void> {
    if (this.minted.length === 0) return;
    await db.execute(sql`insert into card_action (id, intent, card_message_id)
      select u.id, u.intent, ${cardMessageId}::uuid from ${unnestColumns([
        { values: this.minted.map((m) => m.id), type: 'text' },
        { values: this.minted.map((m) => JSON.stringify(m.intent)), type: 'jsonb' },
      ])} as u(id, intent)`);
  }
}

/**
 * The stored intent of a verified token, and the card it was on. Throws ForgedActionError for a token we did
 * not sign, and ExpiredActionError for one we signed whose intent the retention job has since deleted.
 */
export async function resolveAction(
  db: DbOrTx,
  signer: ActionSigner,
  token: string,
): Promise<{ intent: ActionIntent; cardMessageId: string | null }> {
  const id = signer.verify(token);
  const [row] = await queryRows<{ intent: unknown; card_message_id: string | null }>(
    db,
    sql`select intent, card_message_id from card_action where id = ${id}`,
  );
  if (!row) throw new ExpiredActionError(chatTexts.expiredButton());
  return { intent: actionIntentSchema.parse(row.intent), cardMessageId: row.card_message_id };
}
