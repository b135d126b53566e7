/**
 * `audit books`: on-hand must equal its history — the book as last imported (book_baseline; zero for a
 * line never imported) plus the movements recorded after it plus the ledger entries posted after it.
 * Lines are per lot (sku, location, lot).
 * A posting writes both a ledger entry and an adjustment movement (ref = the document number) for each
 * line; the ledger entry is what counts, so an edited or deleted ledger entry shows, and the movement
 * is left out so it is not counted twice. One set-based query; the lines that differ come back first.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { AuditFinding } from '../domain/audit.ts';

/** How many differing lines are named; the count says how many there are in all. */
const NAMED = 20;

export interface BooksVerdict {
  ok: boolean;
  /** Lines compared: every line with on-hand, a baseline, a movement or a ledger entry. */
  lines: number;
  /** Lines that differ, in all. */
  differing: number;
  /** The first of them (warehouse, sku, location, lot order), each with expected and actual quantity. */
  problems: Extract<AuditFinding, { kind: 'books' }>[];
}

export async function verifyBooks(db: DbOrTx): Promise<BooksVerdict> {
  const rows = await queryRows<{
    warehouse: string;
    sku: string;
    location: string;
    lot: string;
    expected: string;
    actual: string;
    lines: number;
    differing: number;
  }>(
    db,
    sql`
    with moved as (
      select m.warehouse_id, m.sku, m.location, m.lot, sum(m.qty) as qty
      from movement m
      left join book_baseline b on b.warehouse_id = m.warehouse_id and b.sku = m.sku and b.location = m.location and b.lot = m.lot
      where m.id > coalesce(b.movement_id, 0)
        and not (m.kind = 'adjustment' and exists (
          select 1 from adjustment_document d where d.warehouse_id = m.warehouse_id and d.number = m.ref and d.status = 'posted'))
      group by m.warehouse_id, m.sku, m.location, m.lot
    ), posted as (
      select l.warehouse_id, l.sku, l.location, l.lot, sum(l.qty) as qty
      from ledger_entry l
      left join book_baseline b on b.warehouse_id = l.warehouse_id and b.sku = l.sku and b.location = l.location and b.lot = l.lot
      where l.id > coalesce(b.ledger_id, 0)
      group by l.warehouse_id, l.sku, l.location, l.lot
    ), line as (
      select warehouse_id, sku, location, lot from on_hand
      union select warehouse_id, sku, location, lot from book_baseline
      union select warehouse_id, sku, location, lot from moved
      union select warehouse_id, sku, location, lot from posted
    ), compared as (
      select x.warehouse_id, x.sku, x.location, x.lot,
             coalesce(b.qty, 0) + coalesce(mv.qty, 0) + coalesce(p.qty, 0) as expected,
             coalesce(o.qty, 0) as actual
      from line x
      left join on_hand o on o.warehouse_id = x.warehouse_id and o.sku = x.sku and o.location = x.location and o.lot = x.lot
      left join book_baseline b on b.warehouse_id = x.warehouse_id and b.sku = x.sku and b.location = x.location and b.lot = x.lot
      left join moved mv on mv.warehouse_id = x.warehouse_id and mv.sku = x.sku and mv.location = x.location and mv.lot = x.lot
      left join posted p on p.warehouse_id = x.warehouse_id and p.sku = x.sku and p.location = x.location and p.lot = x.lot
    ), totals as (
      select count(*)::int as lines, count(*) filter (where expected <> actual)::int as differing from compared
    )
    select w.code as warehouse, c.sku, c.location, c.lot, trim_scale(c.expected)::text as expected, trim_scale(c.actual)::text as actual,
           t.lines, t.differing
    from totals t
    left join lateral (
      select * from compared where expected <> actual order by warehouse_id, sku, location, lot limit ${NAMED}
    ) c on true
    left join warehouse w on w.id = c.warehouse_id
    order by w.code, c.sku, c.location, c.lot`,
  );
  const lines = rows[0]?.lines ?? 0;
  const differing = rows[0]?.differing ?? 0;
  const problems = rows
    .filter((r) => r.sku !== null)
    .map((r) => ({
      kind: 'books' as const,
      warehouse: r.warehouse,
      sku: r.sku,
      location: r.location,
      ...(r.lot ? { lot: r.lot } : {}),
      expected: r.expected,
      actual: r.actual,
    }));
  return { ok: differing === 0, lines, differing, problems };
}

/**
 * Records the book a book import just set as the baseline of the lines it touched (`touched`: a
 * condition on on_hand rows), with the warehouse's movement and ledger watermarks. Inside the import's
 * transaction, under the warehouse lock that orders movements and postings against it.
 */
export async function setBookBaseline(tx: DbOrTx, warehouseId: string): Promise<void> {
  // The import's writes set updated_at = now(), which is this transaction's start time: exactly the
  // lines it listed or cleared. Lines it did not touch keep their baseline and their history.
  await tx.execute(sql`
    insert into book_baseline (warehouse_id, sku, location, lot, qty, movement_id, ledger_id, set_at)
    select o.warehouse_id, o.sku, o.location, o.lot, o.qty,
           (select coalesce(max(m.id), 0) from movement m where m.warehouse_id = o.warehouse_id),
           (select coalesce(max(l.id), 0) from ledger_entry l where l.warehouse_id = o.warehouse_id),
           now()
    from on_hand o where o.warehouse_id = ${warehouseId}::uuid and o.updated_at = now()
    on conflict (warehouse_id, sku, location, lot) do update
      set qty = excluded.qty, movement_id = excluded.movement_id, ledger_id = excluded.ledger_id, set_at = excluded.set_at`);
}
