/**
 * Demo data: a warehouse in the middle of its post-count process, so that a new user can walk review,
 * documents, approval and posting at once (`stocktake demo`, or the web console), with a year of history
 * behind it for stock structure, patterns, performance, cycle-count plans and the case library.
 * Everything is made by the same service calls real use makes — warehouse, item master, book, people and
 * roles, the history (src/services/demo/history.ts), chats, a started stocktake, movements during counting
 * and two count sheets — so the data is exactly what a real count produces. src/services/demo/data.ts
 * lists every line of the current count and what it is there for, historyData.ts the history.
 */
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { demoNextStepsCard } from '../../cards/templates/demo.ts';
import { cause, item } from '../../db/schema/index.ts';
import { COST_SCALE, parseDecimal } from '../domain/decimal.ts';
import { InvalidInputError, problemOf, type InputProblem } from '../domain/errors.ts';
import { demoTexts } from '../domain/texts/demo.ts';
import type { Role } from '../domain/people.ts';
import type { StocktakeStatus } from '../domain/stocktake.ts';
import { wallClock } from '../domain/time.ts';
import { bufferSource } from '../files/source.ts';
import { importBook } from './book.ts';
import { bindChat, CHAT_LOCALES, getChat, setChatLocale, type ChatLocale, type ChatPurpose } from './chats.ts';
import { importCounts } from './counts.ts';
import { importItems } from './items.ts';
import { importMovements } from './movements.ts';
import { enqueueMessages } from './outbox.ts';
import { addPerson, cliActor, findPerson, grantRole } from './people.ts';
import { startStocktake } from './stocktakes.ts';
import { listVariances, stocktakeStatus, type StocktakeProgress } from './variances.ts';
import { loadHistory, type DemoHistory } from './demo/history.ts';
import { historyCauses, openingBook } from './demo/historyData.ts';
import { causeAppliesTo, DEFAULT_CAUSES } from '../domain/causes.ts';
import { addWarehouse, findWarehouse } from './warehouses.ts';
import {
  ALICE_SHEET,
  ALICE_SHEET_NAME,
  BOB_SHEET,
  BOB_SHEET_NAME,
  CHAT_BINDER,
  CONSOLE_URL,
  csvText,
  DEMO_CAST,
  DEMO_CHATS,
  DEMO_ITEMS,
  DEMO_MOVEMENTS,
  DEMO_RECOUNT,
  DEMO_WAREHOUSE,
  SNAPSHOT_MINUTES_AGO,
} from './demo/data.ts';
import { nextSteps } from './demo/nextSteps.ts';

export { DEMO_CAST, DEMO_CHATS, DEMO_RECOUNT, DEMO_WAREHOUSE } from './demo/data.ts';
export { nextSteps as demoNextSteps } from './demo/nextSteps.ts';

export interface DemoSummary {
  warehouse: { code: string; name: string; timezone: string };
  stocktake: {
    id: string;
    code: string;
    status: StocktakeStatus;
    snapshotAt: string;
    lines: StocktakeProgress['lines'];
    variances: StocktakeProgress['variances'];
    /** Lines whose counts disagree ("SKU@LOCATION"): counting cannot close until they are recounted. */
    conflicts: string[];
  };
  /** Who is who: each person's console identity and roles in the demo warehouse, in the order granted. */
  people: { handle: string; name: string; identity: string; roles: Role[] }[];
  chats: { platform: 'web'; chatId: string; purpose: ChatPurpose; locale: ChatLocale }[];
  countSheets: { fileName: string; counter: string; round: number; linesCounted: number; linesVerified: number; linesInConflict: number }[];
  /** The sheet that resolves the conflict (demoRecountSheet()): who counted it and as which round. */
  recount: { fileName: string; counter: string; round: number; line: string };
  /** The year before: the posted stocktakes (oldest first), the case written up, the cycle-count plan. */
  history: DemoHistory;
  locale: ChatLocale;
  consoleUrl: string;
  nextSteps: string[];
}

const demoOptions = z.object({
  now: z.date().optional(),
  locale: z.enum(CHAT_LOCALES).default('zh-CN'),
  consoleUrl: z.string().trim().min(1).default(CONSOLE_URL),
});

export type DemoOptions = z.input<typeof demoOptions>;

const MINUTE = 60_000;

/**
 * Loads the demo: warehouse DEMO (演示仓) with 15 items and a book, the cast with their console identities
 * `web:<handle>` and roles, a year of movements and three posted stocktakes with a case and a cycle-count
 * plan, the console chats demo-team / demo-approvals / demo-digest bound by ann, and a stocktake left in
 * counting with one conflict open (carol's recount, demoRecountSheet(), resolves it).
 * Refused, with nothing changed, when the demo is already loaded or something it would create is taken.
 * `now` (default: the clock) may not be in the future: counts and movements are dated before it.
 */
export async function loadDemo(db: Db, options: DemoOptions = {}): Promise<DemoSummary> {
  const parsed = demoOptions.safeParse(options);
  if (!parsed.success)
    throw new InvalidInputError(
      demoTexts.badOptions(
        parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '),
        parsed.error.issues.map((i) => i.path.join('.')).join('、'),
      ),
    );
  const { locale, consoleUrl } = parsed.data;
  const now = parsed.data.now ?? new Date();
  if (now.getTime() > Date.now() + MINUTE) throw new InvalidInputError(demoTexts.nowInFuture(now.toISOString()));
  // Services commit one by one, so the demo cannot be one transaction: everything that could make a
  // later step fail is checked before the first write, and a failure after it names what was made.
  await refuseUnlessFresh(db);
  const steps = new Progress();
  try {
    return await create(db, { now, locale, consoleUrl }, steps);
  } catch (error) {
    throw steps.failed(error);
  }
}

/**
 * The next steps as a card in the demo team chat, in the chats' language (the console's "Load demo data"):
 * what `stocktake demo` prints, less starting the server, which is running when the console loads it.
 */
export async function postDemoNextSteps(db: Db, summary: DemoSummary): Promise<void> {
  const team = summary.chats.find((c) => c.purpose === 'team')!;
  const card = demoNextStepsCard({ locale: team.locale }, { stocktake: summary.stocktake.code, steps: summary.nextSteps.slice(1) });
  await enqueueMessages(db, [{ platform: team.platform, chatId: team.chatId, locale: team.locale, view: { kind: 'static', card } }]);
}

/** The recount of the conflicting line, as carol's sheet: round 2, Chinese headers, UTF-8. */
export function demoRecountSheet(): { fileName: string; bytes: Buffer } {
  const text = csvText([
    ['物料编码', '库位', '实盘数量'],
    [DEMO_RECOUNT.sku, DEMO_RECOUNT.location, DEMO_RECOUNT.qty],
  ]);
  return { fileName: DEMO_RECOUNT.fileName, bytes: Buffer.from(text, 'utf8') };
}

async function create(db: Db, o: { now: Date; locale: ChatLocale; consoleUrl: string }, steps: Progress): Promise<DemoSummary> {
  const tz = DEMO_WAREHOUSE.timezone;
  // The wall clock with seconds, as counters write it.
  const at = (minutesAgo: number) => wallClock(new Date(o.now.getTime() - minutesAgo * MINUTE), tz, { seconds: true });

  await steps.run('warehouse', () => addWarehouse(db, { ...DEMO_WAREHOUSE }));
  await steps.run('items', () =>
    importItems(
      db,
      bufferSource(
        'demo-items.csv',
        csvText([
          ['sku', 'name', 'unit', 'unit_cost', 'category'],
          ...DEMO_ITEMS.map((i) => [i.sku, i.name, i.unit, i.unitCost, i.category]),
        ]),
      ),
    ),
  );
  // The book a year ago: the history's movements and postings bring it to today's (DEMO_BOOK).
  await steps.run('opening book', () =>
    importBook(db, DEMO_WAREHOUSE.code, bufferSource('demo-opening-book.csv', csvText([['sku', 'location', 'qty'], ...openingBook()]))),
  );

  const people: DemoSummary['people'] = [];
  await steps.run('people and roles', async () => {
    for (const member of DEMO_CAST) {
      // Someone already known by this handle keeps their name: the demo adds identities and roles only.
      const existing = await findPerson(db, member.handle);
      const saved = await addPerson(db, {
        handle: member.handle,
        ...(existing ? {} : { name: member.name }),
        identities: [`web:${member.handle}`],
      });
      for (const role of member.roles) await grantRole(db, member.handle, role, DEMO_WAREHOUSE.code);
      people.push({ handle: saved.handle, name: saved.name, identity: `web:${saved.handle}`, roles: [...member.roles] });
    }
  });

  // Before the chats are bound: the history's cards would otherwise fill them with months-old news.
  const history = await loadHistory(db, o.now, (step, body) => steps.run(step, body));

  const chats: DemoSummary['chats'] = [];
  await steps.run('chats', async () => {
    const binder = { actor: await cliActor(db, CHAT_BINDER) };
    for (const chat of DEMO_CHATS) {
      await bindChat(db, binder, {
        platform: 'web',
        chatId: chat.chatId,
        warehouse: DEMO_WAREHOUSE.code,
        purpose: chat.purpose,
        locale: o.locale,
      });
      // bindChat keeps the language of a chat it already knew (the console may have shown it before).
      await setChatLocale(db, 'web', chat.chatId, o.locale);
      chats.push({ platform: 'web', chatId: chat.chatId, purpose: chat.purpose, locale: o.locale });
    }
  });

  const started = await steps.run('stocktake', () =>
    startStocktake(db, DEMO_WAREHOUSE.code, new Date(o.now.getTime() - SNAPSHOT_MINUTES_AGO * MINUTE)),
  );
  await steps.run('movements', () =>
    importMovements(
      db,
      DEMO_WAREHOUSE.code,
      bufferSource(
        'demo-movements.csv',
        csvText([
          ['sku', 'location', 'qty', 'kind', 'ref', 'occurred_at'],
          ...DEMO_MOVEMENTS.map(([sku, loc, qty, kind, ref, ago]) => [sku, loc, qty, kind, ref, at(ago)]),
        ]),
      ),
    ),
  );
  const countSheets: DemoSummary['countSheets'] = [];
  for (const [fileName, counter, sheet, headers] of [
    [ALICE_SHEET_NAME, 'alice', ALICE_SHEET, ['sku', 'location', 'qty', 'counted_at']],
    // Bob's sheet has the Chinese headers a Chinese Excel template uses.
    [BOB_SHEET_NAME, 'bob', BOB_SHEET, ['物料编码', '库位', '实盘数量', '盘点时间']],
  ] as const) {
    const report = await steps.run(`count sheet of ${counter}`, () =>
      importCounts(
        db,
        started.code,
        bufferSource(fileName, csvText([headers, ...sheet.map(([sku, loc, qty, ago]) => [sku, loc, qty, at(ago)])])),
        { counter, round: 1 },
      ),
    );
    countSheets.push({
      fileName,
      counter,
      round: report.round,
      linesCounted: report.linesCounted,
      linesVerified: report.linesVerified,
      linesInConflict: report.linesInConflict,
    });
  }

  const progress = await stocktakeStatus(db, started.code);
  const conflicts = (await listVariances(db, started.code))
    .filter((v) => v.countStatus === 'conflict')
    .map((v) => `${v.sku}@${v.location}`);
  return {
    warehouse: { ...DEMO_WAREHOUSE },
    stocktake: {
      id: started.id,
      code: started.code,
      status: progress.status,
      snapshotAt: progress.snapshotAt,
      lines: progress.lines,
      variances: progress.variances,
      conflicts,
    },
    people,
    chats,
    countSheets,
    recount: {
      fileName: DEMO_RECOUNT.fileName,
      counter: DEMO_RECOUNT.counter,
      round: DEMO_RECOUNT.round,
      line: `${DEMO_RECOUNT.sku}@${DEMO_RECOUNT.location}`,
    },
    history,
    locale: o.locale,
    consoleUrl: o.consoleUrl,
    nextSteps: nextSteps(o.locale, { stocktake: started.code, consoleUrl: o.consoleUrl, caseCode: history.case }),
  };
}

/**
 * Refuses before anything is written: when the demo is loaded already, when a demo SKU exists with other
 * master data (importing would change it for every warehouse), when a console identity belongs to someone
 * else, when a demo chat is bound to another warehouse (binding would take it away), or when a cause the
 * history tags has been deactivated or turned to the other way in the (installation-wide) catalogue.
 */
async function refuseUnlessFresh(db: Db): Promise<void> {
  if (await findWarehouse(db, DEMO_WAREHOUSE.code)) {
    throw new InvalidInputError(demoTexts.alreadyLoaded(DEMO_WAREHOUSE.code));
  }
  const problems: InputProblem[] = [];
  const existing = await db
    .select()
    .from(item)
    .where(
      inArray(
        item.sku,
        DEMO_ITEMS.map((i) => i.sku),
      ),
    );
  const cost = (text: string) => {
    const p = parseDecimal(text, COST_SCALE);
    return p.ok ? p.value : null;
  };
  for (const row of existing) {
    const mine = DEMO_ITEMS.find((i) => i.sku === row.sku)!;
    if (row.name !== mine.name || row.unit !== mine.unit || cost(row.unitCost) !== cost(mine.unitCost) || row.category !== mine.category) {
      problems.push(problemOf(null, 'sku', demoTexts.itemExists(row.sku, row.name, row.unit, row.unitCost)));
    }
  }
  for (const member of DEMO_CAST) {
    for (const identity of [`web:${member.handle}`, `cli:${member.handle}`]) {
      const owner = await findPerson(db, identity);
      if (owner && owner.handle !== member.handle)
        problems.push(problemOf(null, 'person', demoTexts.identityTaken(identity, owner.handle, member.handle)));
    }
  }
  for (const chat of DEMO_CHATS) {
    const known = await getChat(db, 'web', chat.chatId);
    if (known.warehouseCode && known.warehouseCode !== DEMO_WAREHOUSE.code) {
      problems.push(problemOf(null, 'chat', demoTexts.chatBound(`web:${chat.chatId}`, known.warehouseCode)));
    }
  }
  // Read, not listCauses(): that seeds the default catalogue, and a refusal writes nothing. A default
  // cause not yet seeded will be as DEFAULT_CAUSES has it.
  const catalogue = new Map((await db.select().from(cause)).map((c) => [c.code, c]));
  for (const { cause: code, direction } of historyCauses()) {
    const known = catalogue.get(code) ?? DEFAULT_CAUSES.find((c) => c.code === code);
    if (!known || ('active' in known && !known.active)) problems.push(problemOf(null, 'cause', demoTexts.causeUnavailable(code)));
    else if (!causeAppliesTo(known, direction)) problems.push(problemOf(null, 'cause', demoTexts.causeDirection(code, direction)));
  }
  if (problems.length > 0) {
    throw new InvalidInputError(
      demoTexts.cannotLoad(problems.map((p) => p.message).join('; '), problems.map((p) => p.localized?.['zh-CN'] ?? p.message).join('；')),
      problems,
    );
  }
}

/** The steps done so far, so that a failure part-way says what is left behind. */
class Progress {
  private readonly done: string[] = [];
  private current = '';

  async run<T>(step: string, body: () => Promise<T>): Promise<T> {
    this.current = step;
    const result = await body();
    this.done.push(step);
    return result;
  }

  failed(error: unknown): Error {
    // A failed query's own message repeats the SQL; the database's reason is its cause.
    const reason = error instanceof Error && error.message.startsWith('Failed query') && error.cause instanceof Error ? error.cause : error;
    const message = reason instanceof Error ? reason.message : String(reason);
    const made = this.done.length ? `after it had created: ${this.done.join(', ')}` : 'before it had created anything';
    return new Error(`loading the demo failed at "${this.current}" ${made} (${message}); delete the data directory to start over`, {
      cause: error,
    });
  }
}
