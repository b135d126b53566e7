/**
 * Counting on the phone (扫码盘点): scans, +/− and typed quantities, each kept as it was made with the id the
 * phone gave it (a queue flushed twice stores it once), and "location done", which turns a person's scans
 * at a location into a count import like a sheet's: same rounds, double counts, conflicts, cut-off (the
 * scan's own time) and audit, attributed to the person.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { isoText, unnestColumns } from '../../db/bulk.ts';
import { queryRows, type Db, type DbOrTx, type Tx } from '../../db/client.ts';
import { formatDecimal, parseDecimal, QTY_SCALE } from '../domain/decimal.ts';
import { InvalidInputError, NotFoundError, problemOf, StocktakeStateError, type LocalizedText } from '../domain/errors.ts';
import { render, renderAll, type Phrase } from '../domain/phrase.ts';
import { importTexts, statusZh } from '../domain/texts/imports.ts';
import { scanTexts } from '../domain/texts/scans.ts';
import { zodIssuePhrase, zodMessage } from '../domain/texts/input.ts';
import { wordsOf } from '../domain/texts/files.ts';
import { countedAsText, toBase, type Pack } from '../domain/packs.ts';
import { COUNTING_ROLES, type Actor } from '../domain/people.ts';
import { lotProblem, lotTrackedSkus } from './lots.ts';
import { CountLines } from './countSheet.ts';
import { recordCounts, recountProblem, recountsFor, type Recounts } from './counts.ts';
import { progressFor, showsBookFigures } from './blind.ts';
import { loadItemScanDetails } from './itemDetails.ts';
import { enqueueMessages, textArray } from './outbox.ts';
import { requireRole } from './people.ts';
import { getStocktake, type StocktakeRef } from './stocktakes.ts';

/**
 * Scan entries (`scan_entry e`) that still count: not yet sent in, or sent in by an import not voided. A
 * voided location count (countVoid.ts) leaves its scans as evidence, shown and sent nowhere again.
 */
const notVoided = sql`(e.import_id is null or not exists (select 1 from count_import v where v.id = e.import_id and v.voided_at is not null))`;

/** Entries one request may carry: a phone's queue after a long time offline is sent in batches of this. */
export const MAX_SCAN_BATCH = 500;
/** A scan stamped later than this after it arrived has a wrong clock: the arrival time is kept instead. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** A rejected entry's words: English for API clients, every language for the counting page. */
const worded = (phrase: Phrase): { message: string; localized: LocalizedText } => ({
  message: render(phrase, 'en', 'api'),
  localized: renderAll(phrase, 'page'),
});

export const scanEntryInput = z
  .object({
    id: z.uuid(zodMessage(scanTexts.idNotUuid())),
    location: z.string().trim().max(100),
    code: z.string().trim().min(1, zodMessage(scanTexts.codeBlank())).max(200),
    qty: z.string().trim().min(1).max(40).describe('signed decimal in `unit`: 1 for a scan, -1 for a correction'),
    unit: z.string().trim().max(40).optional().describe('a pack unit of the item, or its base unit (the default)'),
    lot: z.string().trim().max(100).optional().describe('the lot (批次) of a lot-tracked item; absent for any other'),
    at: z.iso.datetime({ offset: true }).describe('when it was scanned, on the phone'),
  })
  .strict();
export type ScanEntryInput = z.infer<typeof scanEntryInput>;

/** An item as the counting page needs it after a scan. */
export interface ScannedItem {
  code: string;
  sku: string;
  name: string;
  unit: string;
  packs: { unit: string; factor: string }[];
  asksQty: boolean;
}

export interface ScanLine {
  sku: string;
  /** The lot (批次) scanned; '' for an item that is not lot-tracked. */
  lot: string;
  name: string;
  unit: string;
  /** In the base unit. */
  qty: string;
  /** "2 箱 + 3 个" when counted in pack units; null when all in the base unit. */
  countedAs: string | null;
  /** The book quantity there; null when the viewer may not see book figures (a blind count). */
  expected: string | null;
  scans: number;
}

/** A person's count of one location: everything they scanned there, sent in or not yet. */
export interface ScanLocation {
  location: string;
  lines: ScanLine[];
  /** Entries not yet in a count import ("location done" sends them in). */
  pending: number;
  /** Everything scanned here is in a count import. */
  done: boolean;
}

interface Counting {
  st: StocktakeRef;
  /** In review: the lines waiting for this person's recount. */
  recount: Recounts | null;
}

/** The stocktake, if `actor` may count in it now: a counting role, and counting open (or recounts for them). */
export async function countingFor(db: DbOrTx, stocktakeKey: string, actor: Actor): Promise<Counting> {
  const st = await getStocktake(db, stocktakeKey);
  await requireRole(db, actor, st.warehouseId, st.warehouseCode, COUNTING_ROLES, 'count on the phone');
  if (st.status === 'counting') return { st, recount: null };
  if (st.status === 'reviewing') {
    const recount = await recountsFor(db, st, actor.handle, actor.personId).catch(() => null);
    if (recount) return { st, recount };
  }
  throw new StocktakeStateError(
    (st.status === 'reviewing' ? scanTexts.countingClosedNoRecount : scanTexts.countingClosed)(st.code, st.status, statusZh(st.status)),
  );
}

export interface ScanContext {
  stocktake: string;
  warehouse: string;
  status: string;
  blind: boolean;
  showsBookFigures: boolean;
  canCount: boolean;
  /** The round a count sent now is recorded in (1 while counting; a recount's round in review). */
  round: number;
  locations: { location: string; lines: number; counted: number; doneByMe: boolean }[];
}

/** What the counting page opens with: the stocktake, whether the person may count, the locations and their progress. */
export async function scanContext(db: Db, stocktakeKey: string, actor: Actor): Promise<ScanContext> {
  const { st, recount } = await countingFor(db, stocktakeKey, actor);
  const rows = await queryRows<{ location: string; lines: number; counted: number; done_by_me: boolean }>(
    db,
    sql`with mine as (
          select e.location, bool_and(e.import_id is not null) as done from scan_entry e
          where e.stocktake_id = ${st.id}::uuid and e.person_id = ${actor.personId}::uuid and ${notVoided} group by e.location
        ), lines as (
          select location, count(*)::int as lines, count(*) filter (where count_status <> 'uncounted')::int as counted
          from stocktake_line where stocktake_id = ${st.id}::uuid
          ${recount ? sql`and review_status = 'recount' and recount_by = ${actor.personId}::uuid` : sql``}
          group by location
        )
        select coalesce(l.location, m.location) as location, coalesce(l.lines, 0) as lines, coalesce(l.counted, 0) as counted,
               coalesce(m.done, false) as done_by_me
        from lines l full join mine m on m.location = l.location
        order by 1`,
  );
  return {
    stocktake: st.code,
    warehouse: st.warehouseCode,
    status: st.status,
    blind: st.blind,
    showsBookFigures: await showsBookFigures(db, actor, st),
    canCount: true,
    round: recount ? recount.nextRound : 1,
    locations: rows.map((r) => ({ location: r.location, lines: Number(r.lines), counted: Number(r.counted), doneByMe: r.done_by_me })),
  };
}

/** The item a barcode (or a SKU typed instead) names. */
export async function lookupCode(db: DbOrTx, code: string): Promise<ScannedItem> {
  const [found] = await resolveCodes(db, [code.trim()]);
  if (!found?.sku) throw new NotFoundError('barcode', code.trim(), importTexts.unknownBarcode(code.trim()));
  const { packList: _internal, ...item } = found;
  return item;
}

type Resolved = { code: string; sku: null } | (ScannedItem & { packList: Pack[] });

/** Each code as a barcode, else as a SKU: the item with its pack units (null sku: unknown). */
async function resolveCodes(db: DbOrTx, codes: readonly string[]): Promise<Resolved[]> {
  const distinct = [...new Set(codes)];
  const rows = await queryRows<{ code: string; sku: string | null; name: string; unit: string; asks: boolean; packs: string | null }>(
    db,
    sql`select c.code, i.sku, i.name, i.unit, i.scan_asks_qty as asks,
               (select string_agg(p.unit || E'\\t' || p.factor::text, E'\\n' order by p.factor) from item_pack p where p.sku = i.sku) as packs
        from unnest(${textArray(distinct)}::text[]) as c(code)
        left join item_barcode b on b.barcode = c.code
        left join item i on i.sku = coalesce(b.sku, c.code)`,
  );
  const byCode = new Map(
    rows.map((r) => [
      r.code,
      r.sku === null
        ? { code: r.code, sku: null }
        : {
            code: r.code,
            sku: r.sku,
            name: r.name,
            unit: r.unit,
            asksQty: r.asks,
            ...packsOf(r.packs),
          },
    ]),
  );
  return codes.map((c) => byCode.get(c) ?? { code: c, sku: null });
}

/** Pack units from `unit<TAB>factor` lines: as the page shows them, and as the quantities need them. */
function packsOf(text: string | null): { packs: ScannedItem['packs']; packList: Pack[] } {
  const packList = (text ? text.split('\n') : []).map((p) => {
    const [unit, factor] = p.split('\t') as [string, string];
    return { unit, factor: decimal(factor) };
  });
  return { packList, packs: packList.map((p) => ({ unit: p.unit, factor: formatDecimal(p.factor, QTY_SCALE) })) };
}

export interface ScanBatchResult {
  accepted: { id: string; sku: string; qty: string; duplicate: boolean }[];
  rejected: { id: string; code: string; message: string; localized: LocalizedText }[];
  locations: ScanLocation[];
}

/**
 * Stores a batch of entries from a phone. Each is checked on its own (an unknown barcode, a unit the item
 * lacks, a line not waiting for this person's recount): the good ones are kept, the others returned with
 * the reason. An id already stored is reported as a duplicate and not stored again.
 */
export async function addScanEntries(db: Db, stocktakeKey: string, actor: Actor, input: readonly unknown[]): Promise<ScanBatchResult> {
  if (input.length > MAX_SCAN_BATCH) throw new InvalidInputError(scanTexts.tooManyEntries(MAX_SCAN_BATCH, input.length));
  const entries = input.map((raw, index) => {
    const parsed = scanEntryInput.safeParse(raw);
    if (!parsed.success)
      throw new InvalidInputError(
        scanTexts.entryMalformed(
          index + 1,
          parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'} ${i.message}`).join('; '),
          parsed.error.issues.map((i) => i.path.join('.') || 'entry').join('、'),
        ),
        parsed.error.issues.map((i) => problemOf(index + 1, i.path.join('.') || null, zodIssuePhrase(i, ''))),
      );
    return parsed.data;
  });
  const { st, recount } = await countingFor(db, stocktakeKey, actor);
  const items = await resolveCodes(
    db,
    entries.map((e) => e.code),
  );
  const lotTracked = await lotTrackedSkus(db);
  const now = Date.now();
  const accepted: { entry: ScanEntryInput; sku: string; base: bigint; unit: string; unitQty: bigint; at: Date }[] = [];
  const rejected: ScanBatchResult['rejected'] = [];
  entries.forEach((entry, i) => {
    const item = items[i]!;
    const reject = (text: { message: string; localized: LocalizedText }) => rejected.push({ id: entry.id, code: entry.code, ...text });
    if (item.sku === null) return reject(worded(importTexts.unknownBarcode(entry.code)));
    const qty = parseDecimal(entry.qty, QTY_SCALE, { allowNegative: true });
    if (!qty.ok || qty.value === 0n)
      return reject(
        worded(qty.ok ? scanTexts.qtyZero(entry.qty) : scanTexts.qtyBad(entry.qty, wordsOf(qty.phrase).en, wordsOf(qty.phrase).zh)),
      );
    const unit = entry.unit || item.unit;
    const base = toBase(qty.value, unit, item.unit, item.packList);
    if (base === null) {
      const units = [item.unit, ...item.packList.map((p) => p.unit)].join(', ');
      return reject(worded(scanTexts.notAUnit(unit, item.sku, units)));
    }
    const lotWrong = lotProblem(item.sku, entry.lot ?? '', lotTracked);
    if (lotWrong) return reject(worded(lotWrong));
    if (recount) {
      const line = { sku: item.sku, location: entry.location, lot: entry.lot ?? '' };
      const problem = recountProblem(recount, line as never, actor.handle, recount.nextRound);
      if (problem) return reject(worded(problem));
    }
    const scanned = Date.parse(entry.at);
    // A phone's clock can be wrong: a scan from the future, or from before the count began, keeps its arrival time.
    const at = scanned > now + CLOCK_SLACK_MS || scanned < st.snapshotAt.getTime() ? new Date(now) : new Date(scanned);
    accepted.push({ entry, sku: item.sku, base, unit, unitQty: qty.value, at });
  });
  const stored = new Set<string>();
  if (accepted.length > 0) {
    const rows = await queryRows<{ id: string }>(
      db,
      sql`insert into scan_entry (id, stocktake_id, person_id, location, sku, lot, qty, unit, unit_qty, code, scanned_at)
          select u.id, ${st.id}::uuid, ${actor.personId}::uuid, u.location, u.sku, u.lot, u.qty, u.unit, u.unit_qty, u.code, u.at
          from ${unnestColumns([
            { values: accepted.map((a) => a.entry.id), type: 'uuid' },
            { values: accepted.map((a) => a.entry.location), type: 'text' },
            { values: accepted.map((a) => a.sku), type: 'text' },
            { values: accepted.map((a) => a.entry.lot ?? ''), type: 'text' },
            { values: accepted.map((a) => formatDecimal(a.base, QTY_SCALE)), type: 'numeric' },
            { values: accepted.map((a) => a.unit), type: 'text' },
            { values: accepted.map((a) => formatDecimal(a.unitQty, QTY_SCALE)), type: 'numeric' },
            { values: accepted.map((a) => a.entry.code), type: 'text' },
            { values: accepted.map((a) => a.at.toISOString()), type: 'timestamptz' },
          ])} as u(id, location, sku, lot, qty, unit, unit_qty, code, at)
          on conflict (id) do nothing
          returning id::text as id`,
    );
    for (const r of rows) stored.add(r.id);
  }
  const touched = [...new Set(accepted.map((a) => a.entry.location))];
  const showBook = await showsBookFigures(db, actor, st);
  return {
    accepted: accepted.map((a) => ({
      id: a.entry.id,
      sku: a.sku,
      qty: formatDecimal(a.base, QTY_SCALE),
      duplicate: !stored.has(a.entry.id),
    })),
    rejected,
    locations: await Promise.all(touched.map((location) => locationOf(db, st, actor, location, showBook))),
  };
}

/** A person's count of a location so far. */
export async function scannedAt(db: Db, stocktakeKey: string, actor: Actor, location: string): Promise<ScanLocation> {
  const { st } = await countingFor(db, stocktakeKey, actor);
  return locationOf(db, st, actor, location.trim(), await showsBookFigures(db, actor, st));
}

async function locationOf(db: DbOrTx, st: StocktakeRef, actor: Actor, location: string, showBook: boolean): Promise<ScanLocation> {
  const rows = await queryRows<{
    sku: string;
    lot: string;
    name: string;
    base_unit: string;
    unit: string;
    qty: string;
    unit_qty: string;
    scans: number;
    pending: number;
    book: string | null;
  }>(
    db,
    sql`select e.sku, e.lot, i.name, i.unit as base_unit, e.unit, sum(e.qty)::text as qty, sum(e.unit_qty)::text as unit_qty,
               count(*)::int as scans, count(*) filter (where e.import_id is null)::int as pending,
               (select l.book_qty::text from stocktake_line l where l.stocktake_id = e.stocktake_id and l.sku = e.sku and l.location = e.location and l.lot = e.lot) as book
        from scan_entry e join item i on i.sku = e.sku
        where e.stocktake_id = ${st.id}::uuid and e.person_id = ${actor.personId}::uuid and e.location = ${location} and ${notVoided}
        group by e.sku, e.lot, i.name, i.unit, e.unit, e.stocktake_id, e.location
        order by min(e.scanned_at), e.sku, e.lot`,
  );
  const lines = new Map<string, ScanLine & { units: Map<string, bigint>; total: bigint }>();
  let pending = 0;
  for (const r of rows) {
    pending += Number(r.pending);
    const key = `${r.sku}\u0000${r.lot}`;
    const line = lines.get(key) ?? {
      sku: r.sku,
      lot: r.lot,
      name: r.name,
      unit: r.base_unit,
      qty: '0',
      countedAs: null,
      expected: showBook && r.book !== null ? formatDecimal(decimal(r.book), QTY_SCALE) : null,
      scans: 0,
      units: new Map<string, bigint>(),
      total: 0n,
    };
    line.total += decimal(r.qty);
    line.units.set(r.unit, (line.units.get(r.unit) ?? 0n) + decimal(r.unit_qty));
    line.scans += Number(r.scans);
    lines.set(key, line);
  }
  return {
    location,
    lines: [...lines.values()].map(({ units, total, ...line }) => ({
      ...line,
      qty: formatDecimal(total, QTY_SCALE),
      countedAs: countedAsText(units, line.unit),
    })),
    pending,
    done: rows.length > 0 && pending === 0,
  };
}

function decimal(text: string): bigint {
  const parsed = parseDecimal(text, QTY_SCALE, { allowNegative: true, precision: null });
  return parsed.ok ? parsed.value : 0n;
}

export interface LocationDone {
  location: string;
  importId: string;
  round: number;
  linesCounted: number;
  linesVerified: number;
  linesInConflict: number;
  progress: Awaited<ReturnType<typeof progressFor>>;
}

/**
 * "Location done": the person's scans at the location become one count import, as a sheet's lines would
 * (summed per SKU, stamped with the last scan's time). Marking it done again after more scans sends the
 * whole count of the location once more, one round up, so it replaces the earlier one.
 */
export async function finishLocation(db: Db, stocktakeKey: string, actor: Actor, locationInput: string): Promise<LocationDone> {
  const location = locationInput.trim();
  const { st, recount } = await countingFor(db, stocktakeKey, actor);
  const entries = await queryRows<{
    id: string;
    sku: string;
    lot: string;
    qty: string;
    unit: string;
    unit_qty: string;
    base_unit: string;
    at: string;
    open: boolean;
  }>(
    db,
    sql`select e.id::text as id, e.sku, e.lot, e.qty::text as qty, e.unit, e.unit_qty::text as unit_qty, i.unit as base_unit,
               ${isoText(sql`e.scanned_at`)} as at, e.import_id is null as open
        from scan_entry e join item i on i.sku = e.sku
        where e.stocktake_id = ${st.id}::uuid and e.person_id = ${actor.personId}::uuid and e.location = ${location} and ${notVoided}
        order by e.scanned_at, e.id`,
  );
  const open = entries.filter((e) => e.open);
  if (open.length === 0) {
    const where = location || '-';
    throw new InvalidInputError(entries.length === 0 ? scanTexts.nothingScanned(where) : scanTexts.nothingNew(where));
  }
  const lines = new CountLines();
  entries.forEach((e, i) => {
    const counted = e.unit === e.base_unit ? null : { unit: e.unit, qty: decimal(e.unit_qty) };
    lines.add(i + 1, e.sku, location, e.lot, decimal(e.qty), Date.parse(e.at), counted);
  });
  const negative: string[] = [];
  for (const line of lines.values()) {
    if (BigInt(line.qty) < 0n) negative.push(`${line.sku} (${formatDecimal(BigInt(line.qty), QTY_SCALE)})`);
    if (line.units) line.countedAs = countedAsText(line.units, entries.find((e) => e.sku === line.sku)!.base_unit);
  }
  if (negative.length > 0) {
    const list = negative.join(', ');
    throw new InvalidInputError(scanTexts.belowZero(location || '-', list));
  }
  if (recount) {
    const problems = [...lines.values()]
      .map((l) => recountProblem(recount, l, actor.handle, recount.nextRound))
      .filter((p): p is Phrase => p !== null);
    if (problems.length === 1) throw new InvalidInputError(problems[0]!);
    if (problems.length > 1)
      throw new InvalidInputError(
        problems[0]!,
        problems.map((p) => problemOf(null, null, p)),
      );
  }
  // Counted here before by this person: the whole count again, above the round it was recorded in.
  const resend = entries.length > open.length;
  const round = resend ? (await latestRound(db, st.id, location, [...new Set(entries.map((e) => e.sku))])) + 1 : undefined;
  const ids = entries.map((e) => e.id).sort();
  const sha256 = createHash('sha256')
    .update(`scan\n${ids.join('\n')}`)
    .digest('hex');
  const openIds = open.map((e) => e.id);
  const result = await recordCounts(db, st, lines, {
    fileName: `scan ${location || '-'}`,
    sha256,
    counter: actor.handle,
    counterPersonId: actor.personId,
    round: round ?? (recount ? recount.nextRound : undefined),
    recount,
    rowsRead: entries.length,
    rowsAccepted: entries.length,
    rowsRejected: 0,
    by: actor,
    action: recount ? 'counts.recount_scanned' : 'counts.scanned',
    details: { location, entries: entries.length, newEntries: open.length, entriesSha256: sha256 },
    within: async (tx, importId) => {
      await tx.execute(
        sql`update scan_entry set import_id = ${importId}::uuid where id = any(${textArray(openIds)}::uuid[]) and import_id is null`,
      );
      await announceProgress(tx, st.id);
    },
  });
  return {
    location,
    importId: result.importId,
    round: result.round,
    linesCounted: result.linesCounted,
    linesVerified: result.linesVerified,
    linesInConflict: result.linesInConflict,
    progress: await progressFor(db, actor, st),
  };
}

async function latestRound(db: DbOrTx, stocktakeId: string, location: string, skus: string[]): Promise<number> {
  const [row] = await queryRows<{ round: number | null }>(
    db,
    sql`select max(count_round)::int as round from stocktake_line
        where stocktake_id = ${stocktakeId}::uuid and location = ${location} and sku = any(${textArray(skus)}::text[])`,
  );
  return Number(row?.round ?? 0);
}

/**
 * The team chats see counting progress on the stocktake's status card, updated in place as locations are
 * done (the audit entry queues that): a chat without one gets one, once, rather than a message per scan.
 */
async function announceProgress(tx: Tx, stocktakeId: string): Promise<void> {
  const chats = await queryRows<{ platform: string; chat_id: string; locale: string }>(
    tx,
    sql`select c.platform, c.chat_id, c.locale from chat c join stocktake s on s.warehouse_id = c.warehouse_id
        where s.id = ${stocktakeId}::uuid and 'team' = any(c.purposes)
          and not exists (select 1 from card_message cm where cm.platform = c.platform and cm.chat_id = c.chat_id
                            and cm.view->>'kind' = 'status' and cm.view->>'stocktakeId' = ${stocktakeId})
          and not exists (select 1 from outbox o where o.platform = c.platform and o.chat_id = c.chat_id and o.kind = 'send'
                            and o.payload->'view'->>'kind' = 'status' and o.payload->'view'->>'stocktakeId' = ${stocktakeId})`,
  );
  await enqueueMessages(
    tx,
    chats.map((c) => ({ platform: c.platform, chatId: c.chat_id, locale: c.locale, view: { kind: 'status', stocktakeId } })),
  );
}
