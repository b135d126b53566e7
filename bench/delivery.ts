/**
 * Delivery benchmark: N instances (each its own database connection, adapter and sender) drain a burst of
 * cards in many chats to the fake Bot API enforcing Telegram's limits (1 message a second per chat, 20 a
 * minute per group, 30 a second per bot). Prints how long the drain took against the platform's ceiling
 * (the fastest any sender could go within those limits), and checks that every message arrived exactly
 * once and in order, with the 429s the fake answered.
 *
 *   npm run bench:delivery                          # 1 and 3 instances on Postgres, 1 on PGlite
 *   npm run bench:delivery -- --db postgres
 *   BENCH_INSTANCES=1,2,4 BENCH_CHATS=60 BENCH_PER_CHAT=8 npm run bench:delivery
 *
 * The fake runs in this process on 127.0.0.1 (test/fakes/telegram); nothing reaches the internet.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../db/client.ts';
import { createTelegramAdapter } from '../bots/telegram/index.ts';
import { noticeCard } from '../cards/templates/notice.ts';
import { loadActionSigner } from '../src/core/actionToken.ts';
import { silentLogger } from '../src/core/log.ts';
import { createSender } from '../src/core/sender.ts';
import { enqueueMessages } from '../src/services/outbox.ts';
import { startFakeTelegram } from '../test/fakes/telegram/index.ts';
import { PG_ADMIN, postgresReachable } from './support.ts';

const INSTANCES = (process.env.BENCH_INSTANCES ?? '1,3').split(',').map(Number);
const CHATS = Number(process.env.BENCH_CHATS ?? 40);
const PER_CHAT = Number(process.env.BENCH_PER_CHAT ?? 10);
const LIMITS = { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30 };
const only = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : null;

/** Half groups, half private chats. */
const chats = Array.from({ length: CHATS }, (_, i) =>
  i % 2 === 0 ? { id: -100_000 - i, type: 'group' as const } : { id: 100_000 + i, type: 'private' as const },
);

/**
 * The shortest drain Telegram's limits allow: each chat's messages 1 s apart (a group also 20 in any
 * minute), and all of them at 30 a second.
 */
function ceilingSeconds(): number {
  const perChat = (type: 'group' | 'private') => {
    if (type === 'private' || PER_CHAT <= LIMITS.perGroupPerMinute) return (PER_CHAT - 1) / LIMITS.perChatPerSecond;
    const fullMinutes = Math.floor((PER_CHAT - 1) / LIMITS.perGroupPerMinute);
    return fullMinutes * 60 + ((PER_CHAT - 1) % LIMITS.perGroupPerMinute) / LIMITS.perChatPerSecond;
  };
  const slowestChat = Math.max(...chats.map((c) => perChat(c.type)));
  return Math.max(slowestChat, (CHATS * PER_CHAT - 1) / LIMITS.globalPerSecond);
}

async function freshPostgres(): Promise<string> {
  const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists stocktake_bench_delivery with (force)');
  await admin.unsafe('create database stocktake_bench_delivery');
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = '/stocktake_bench_delivery';
  return url.toString();
}

async function run(kind: 'postgres' | 'pglite', instances: number): Promise<void> {
  const fake = await startFakeTelegram({ enforceRateLimits: LIMITS });
  for (const c of chats)
    fake.addChat({ chatId: c.id, chatType: c.type, ...(c.type === 'group' ? { title: `g${c.id}` } : { firstName: `u${c.id}` }) });
  const url = kind === 'postgres' ? await freshPostgres() : null;
  const first = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: null });
  const databases: Database[] = [first];
  try {
    for (let round = 0; round < PER_CHAT; round++) {
      await first.db.transaction((tx) =>
        enqueueMessages(
          tx,
          chats.map((c) => ({
            platform: 'telegram',
            chatId: String(c.id),
            locale: 'en',
            view: { kind: 'static', card: noticeCard(`m-${c.id}-${round}`, `m-${c.id}-${round}`) },
          })),
        ),
      );
    }
    for (let i = 1; i < instances; i++) databases.push(url ? await openDatabase({ kind: 'postgres', url }, { migrate: false }) : first);
    const senders = await Promise.all(
      databases.map(async ({ db }) => {
        const adapter = createTelegramAdapter(
          { token: fake.token, apiRoot: fake.apiRoot, mode: 'polling', webhookPort: 0 },
          { log: silentLogger, botInfo: fake.botInfo },
        );
        return createSender({ db, signer: await loadActionSigner(db), deliverers: [adapter], log: silentLogger });
      }),
    );
    const t0 = performance.now();
    for (const s of senders) s.start(100);
    for (;;) {
      const [left] = await queryRows<{ n: number }>(
        first.db,
        sql`select count(*)::int as n from outbox where status in ('pending', 'sending')`,
      );
      if (Number(left!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(senders.map((s) => s.stop()));

    const total = CHATS * PER_CHAT;
    let duplicates = 0;
    let lost = 0;
    let outOfOrder = 0;
    for (const c of chats) {
      const got = fake.messagesIn(c.id).map((m) => m.plainText.match(/m-(-?\d+)-(\d+)/)?.[0] ?? '');
      const want = Array.from({ length: PER_CHAT }, (_, i) => `m-${c.id}-${i}`);
      duplicates += got.length - new Set(got).size;
      lost += want.filter((w) => !got.includes(w)).length;
      if (JSON.stringify([...new Set(got)]) !== JSON.stringify(want.filter((w) => got.includes(w)))) outOfOrder += 1;
    }
    const [failed] = await queryRows<{ n: number }>(first.db, sql`select count(*)::int as n from outbox where status = 'failed'`);
    const throttledCalls = fake.calls.filter((c) => c.status === 429);
    const throttled = throttledCalls.length;
    // Which limit each 429 hit: the chat's (a send to it in the second before) or the bot's.
    const ok = fake.calls.filter((c) => c.status === 200 && c.method === 'sendMessage');
    const byChat = throttledCalls.filter((t) =>
      ok.some((c) => String(c.payload.chat_id) === String(t.payload.chat_id) && c.at > t.at - 1000 && c.at <= t.at),
    ).length;
    const ceiling = ceilingSeconds();
    console.log(
      `${kind.padEnd(8)} ${String(instances).padStart(2)} instance(s)  ${total} messages in ${CHATS} chats: ${seconds.toFixed(1)} s ` +
        `(${(total / seconds).toFixed(1)}/s; ceiling ${ceiling.toFixed(1)} s, ${((ceiling / seconds) * 100).toFixed(0)} % of it)  ` +
        `429s ${throttled} (${byChat} per chat), lost ${lost}, duplicated ${duplicates}, chats out of order ${outOfOrder}, failed rows ${Number(failed!.n)}`,
    );
  } finally {
    for (const d of new Set(databases)) await d.close();
    await fake.close();
  }
}

console.log(
  `Telegram limits of the fake: ${LIMITS.perChatPerSecond}/s per chat, ${LIMITS.perGroupPerMinute}/min per group, ${LIMITS.globalPerSecond}/s per bot`,
);
if (only !== 'pglite') {
  if (await postgresReachable()) for (const n of INSTANCES) await run('postgres', n);
  else console.log('postgres: not reachable, skipped');
}
// PGlite is one process's database: one instance.
if (only !== 'postgres') await run('pglite', 1);
