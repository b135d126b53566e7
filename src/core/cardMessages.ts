/** Cards the bot has put in chats: creating their rows, and rendering them as they are now. */
import { sql } from 'drizzle-orm';
import { queryRows, rowsChanged, type Db, type DbOrTx } from '../../db/client.ts';
import type { Card } from '../../cards/model.ts';
import { LOCALES, type Locale } from '../../cards/i18n/index.ts';
import { noteQueued, textArray, type CardView } from '../services/outbox.ts';
import { ActionMinter, type ActionSigner } from './actionToken.ts';
import { renderView } from './views.ts';

export interface CardMessageRow {
  id: string;
  platform: string;
  chat_id: string;
  message_id: string | null;
  view: CardView;
  locale: Locale;
}

export async function getCardMessage(db: Db, id: string): Promise<CardMessageRow | null> {
  const [row] = await queryRows<CardMessageRow>(
    db,
    sql`select id, platform, chat_id, message_id, view, locale from card_message where id = ${id}::uuid`,
  );
  return row ?? null;
}

/** The card a platform message shows, by the platform's id for the message. */
export async function findCardMessage(db: Db, platform: string, chatId: string, messageId: string): Promise<CardMessageRow | null> {
  const [row] = await queryRows<CardMessageRow>(
    db,
    sql`select id, platform, chat_id, message_id, view, locale from card_message where platform = ${platform} and chat_id = ${chatId} and message_id = ${messageId}`,
  );
  return row ?? null;
}

/**
 * Renders a card message from current data, stores the tokens of its buttons against it and the
 * entities it now shows. The tokens of earlier renders stay valid for the button retention window: a tap
 * on an older copy of the card is judged against the current state like any other.
 */
export async function renderCardMessage(db: Db, signer: ActionSigner, row: CardMessageRow): Promise<Card> {
  const minter = new ActionMinter(signer);
  const rendered = await renderView(db, row.view, row.locale, minter);
  await db.transaction(async (tx) => {
    await minter.save(tx, row.id);
    await tx.execute(sql`update card_message set view = ${JSON.stringify(rendered.view)}::jsonb, entities = ${textArray(rendered.entities)}::text[], updated_at = now()
                         where id = ${row.id}::uuid`);
  });
  return rendered.card;
}

/**
 * The card in every language, for a platform whose readers each choose theirs (the console): the card in
 * its own locale plus a render in each other one, whose buttons act on the same card message.
 */
export async function renderCardMessageTranslations(
  db: Db,
  signer: ActionSigner,
  row: CardMessageRow,
  card: Card,
): Promise<Partial<Record<Locale, Card>>> {
  const cards: Partial<Record<Locale, Card>> = { [row.locale]: card };
  for (const locale of LOCALES) {
    if (locale === row.locale) continue;
    const minter = new ActionMinter(signer);
    const rendered = await renderView(db, row.view, locale, minter);
    await db.transaction((tx) => minter.save(tx, row.id));
    cards[locale] = rendered.card;
  }
  return cards;
}

/** Points a card at another view (a turned page) and, unless the tap's answer shows it, queues its update. */
export async function retargetCardMessage(db: Db, id: string, view: CardView, { queue }: { queue: boolean }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update card_message set view = ${JSON.stringify(view)}::jsonb where id = ${id}::uuid`);
    if (queue) await queueUpdate(tx, id);
  });
}

/** Queues an update of one card unless one is already waiting. */
export async function queueUpdate(db: DbOrTx, id: string): Promise<void> {
  const queued = await rowsChanged(
    db,
    sql`insert into outbox (platform, chat_id, kind, card_message_id, payload)
    select cm.platform, cm.chat_id, 'update', cm.id, jsonb_build_object('locale', cm.locale) from card_message cm
    where cm.id = ${id}::uuid and cm.message_id is not null
      and not exists (select 1 from outbox o where o.card_message_id = cm.id and o.kind = 'update' and o.status = 'pending')`,
  );
  noteQueued(queued);
}
