/**
 * Counting on the phone: the item master's barcodes and pack units, scans stored once by the phone's id,
 * "location done" as a count import like a sheet's (rounds, double counts, cut-off, audit), count sheets
 * in pack units and by barcode, and blind counts keeping the book out of the page's data.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError, StocktakeStateError } from '../../src/domain/errors.ts';
import { mountApi } from '../../src/http/api/index.ts';
import { importCounts } from '../../src/services/counts.ts';
import { importItems } from '../../src/services/items.ts';
import { addScanEntries, finishLocation, lookupCode, scanContext, scannedAt } from '../../src/services/scans.ts';
import { closeCounting, startStocktake } from '../../src/services/stocktakes.ts';
import { describeEachDatabase } from '../support/db.ts';
import { csv, seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

const EAN_WIDGET = '6901234567892';
const EAN_WIDGET_CASE = '16901234567899';
const EAN_SCREWS = '6909876543210';

/** WH1 with barcodes and pack units on two items, its people, and a stocktake counting (blind or not). */
async function countingWithBarcodes(db: Db, options: { blind?: boolean } = {}) {
  await seedWarehouse(db);
  await importItems(
    db,
    csv('items.csv', [
      ['物料编码', '名称', '单位', '单价', '条码', '包装', '扫码输数量'],
      ['A-100', 'Widget', 'pcs', '2.50', `${EAN_WIDGET}; ${EAN_WIDGET_CASE}`, '箱=12; 托=4箱', '否'],
      ['A-200', '螺丝 M4', 'box', '12.00', EAN_SCREWS, '', '是'],
    ]),
  );
  const people = await seedPeople(db);
  const st = await startStocktake(db, 'WH1', new Date(Date.now() - 3600_000), null, { blind: options.blind ?? false });
  return { st, people };
}

const entry = (location: string, code: string, qty = '1', extra: { unit?: string; at?: string; id?: string } = {}) => ({
  id: extra.id ?? randomUUID(),
  location,
  code,
  qty,
  at: extra.at ?? new Date().toISOString(),
  ...(extra.unit ? { unit: extra.unit } : {}),
});

describeEachDatabase('counting on the phone', (get) => {
  it('imports barcodes and pack units with the item master and finds an item by either code', async () => {
    const { db } = get();
    await countingWithBarcodes(db);
    expect(await lookupCode(db, EAN_WIDGET_CASE)).toEqual({
      code: EAN_WIDGET_CASE,
      sku: 'A-100',
      name: 'Widget',
      unit: 'pcs',
      packs: [
        { unit: '箱', factor: '12' },
        { unit: '托', factor: '48' },
      ],
      asksQty: false,
    });
    expect(await lookupCode(db, 'A-200')).toMatchObject({ sku: 'A-200', asksQty: true, packs: [] });
    const unknown = await lookupCode(db, '123').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).localized!['zh-CN']).toContain('条码 123 不在物料主数据中');

    // A barcode given to two items, and a pack written wrong: refused with the line and column named.
    const bad = await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost', 'barcode', 'packs'],
        ['X-1', 'One', 'pcs', '1', '111', ''],
        ['X-2', 'Two', 'pcs', '1', '111', '箱=twelve'],
      ]),
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'barcode',
        message: expect.stringContaining('barcode 111 is already given to X-1 on line 2'),
      }),
      expect.objectContaining({ line: 3, column: 'packs', message: expect.stringContaining('"箱=twelve"') }),
    ]);
    // A file without the columns leaves barcodes and packs as they are.
    await importItems(
      db,
      csv('items.csv', [
        ['sku', 'name', 'unit', 'unit_cost'],
        ['A-100', 'Widget v2', 'pcs', '2.60'],
      ]),
    );
    expect(await lookupCode(db, EAN_WIDGET)).toMatchObject({ name: 'Widget v2', packs: [{ unit: '箱' }, { unit: '托' }] });
  });

  it('stores each scan once by its id, refuses what it cannot take in words, and sends a location in as one count', async () => {
    const { db } = get();
    const { st, people } = await countingWithBarcodes(db);
    const carl = people.carl.actor;
    const scans = [
      entry('R1', EAN_WIDGET),
      entry('R1', EAN_WIDGET),
      entry('R1', 'A-100'),
      entry('R1', EAN_WIDGET_CASE, '2', { unit: '箱' }),
    ];
    const first = await addScanEntries(db, st.code, carl, scans);
    expect(first.accepted.map((a) => [a.sku, a.qty, a.duplicate])).toEqual([
      ['A-100', '1', false],
      ['A-100', '1', false],
      ['A-100', '1', false],
      ['A-100', '24', false],
    ]);
    expect(first.locations).toEqual([
      {
        location: 'R1',
        lines: [{ sku: 'A-100', lot: '', name: 'Widget', unit: 'pcs', qty: '27', countedAs: '2 箱 + 3 pcs', expected: '100', scans: 4 }],
        pending: 4,
        done: false,
      },
    ]);
    // The queue sent again after a lost answer, with one more scan and two it cannot take.
    const again = await addScanEntries(db, st.code, carl, [
      ...scans,
      entry('R1', EAN_WIDGET, '-1'),
      entry('R1', '999'),
      entry('R1', 'A-100', '1', { unit: 'crate' }),
    ]);
    expect(again.accepted.map((a) => a.duplicate)).toEqual([true, true, true, true, false]);
    expect(again.rejected.map((r) => [r.code, r.localized['zh-CN']])).toEqual([
      ['999', expect.stringContaining('条码 999 不在物料主数据中')],
      ['A-100', expect.stringContaining('crate 不是 A-100 的单位')],
    ]);
    const [stored] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from scan_entry`);
    expect(stored!.n).toBe(5);

    const done = await finishLocation(db, st.code, carl, 'R1');
    expect(done).toMatchObject({ location: 'R1', round: 1, linesCounted: 1, linesVerified: 0, linesInConflict: 0 });
    const [line] = await queryRows<{ count_status: string; counted_qty: string }>(
      db,
      sql`select count_status, counted_qty::text from stocktake_line where sku = 'A-100' and location = 'R1'`,
    );
    expect(line).toEqual({ count_status: 'counted', counted_qty: '26.000' });
    const [evidence] = await queryRows<{ counted_as: string; counter: string; file_name: string }>(
      db,
      sql`select e.counted_as, i.counter, i.file_name from count_entry e join count_import i on i.id = e.import_id`,
    );
    expect(evidence).toEqual({ counted_as: '2 箱 + 2 pcs', counter: 'carl', file_name: 'scan R1' });
    const audit = await queryRows<{ action: string; after: { location: string; entries: number } }>(
      db,
      sql`select action, after from audit_log where action = 'counts.scanned'`,
    );
    expect(audit.map((a) => [a.after.location, a.after.entries])).toEqual([['R1', 5]]);
    expect(await scannedAt(db, st.code, carl, 'R1')).toMatchObject({ pending: 0, done: true });
    await expect(finishLocation(db, st.code, carl, 'R1')).rejects.toThrow(/nothing new scanned at R1/);

    // A box found later: the whole count of R1 goes in again, one round up, replacing the first.
    await addScanEntries(db, st.code, carl, [entry('R1', EAN_WIDGET)]);
    expect(await finishLocation(db, st.code, carl, 'R1')).toMatchObject({ round: 2, linesCounted: 1 });
    const [after] = await queryRows<{ counted_qty: string; count_round: number }>(
      db,
      sql`select counted_qty::text, count_round from stocktake_line where sku = 'A-100' and location = 'R1'`,
    );
    expect(after).toEqual({ counted_qty: '27.000', count_round: 2 });
  });

  it('takes two people scanning one location as a double count: agreeing verified, disagreeing in conflict', async () => {
    const { db } = get();
    const { st, people } = await countingWithBarcodes(db);
    await addScanEntries(db, st.code, people.carl.actor, [entry('R2', EAN_SCREWS, '20'), entry('R1', EAN_WIDGET, '100')]);
    await addScanEntries(db, st.code, people.sam.actor, [entry('R2', EAN_SCREWS, '20'), entry('R1', EAN_WIDGET, '99')]);
    await finishLocation(db, st.code, people.carl.actor, 'R2');
    expect(await finishLocation(db, st.code, people.sam.actor, 'R2')).toMatchObject({ linesVerified: 1 });
    await finishLocation(db, st.code, people.carl.actor, 'R1');
    expect(await finishLocation(db, st.code, people.sam.actor, 'R1')).toMatchObject({ linesInConflict: 1 });
  });

  it('keeps the scan time for the cut-off, and a phone clock far in the future does not count', async () => {
    const { db } = get();
    const { st, people } = await countingWithBarcodes(db);
    const scannedAt = new Date(Date.now() - 20 * 60_000);
    await addScanEntries(db, st.code, people.carl.actor, [entry('R1', EAN_WIDGET, '5', { at: scannedAt.toISOString() })]);
    await addScanEntries(db, st.code, people.carl.actor, [entry('R2', EAN_SCREWS, '5', { at: '2099-01-01T00:00:00Z' })]);
    await finishLocation(db, st.code, people.carl.actor, 'R1');
    await finishLocation(db, st.code, people.carl.actor, 'R2');
    const rows = await queryRows<{ location: string; counted_at: Date | string }>(
      db,
      sql`select location, counted_at from stocktake_line where count_status = 'counted' order by location`,
    );
    expect(new Date(rows[0]!.counted_at).getTime()).toBe(scannedAt.getTime());
    expect(new Date(rows[1]!.counted_at).getTime()).toBeLessThan(Date.now() + 1000);
  });

  it('lets only people with a counting role scan, and only while counting', async () => {
    const { db } = get();
    const { st, people } = await countingWithBarcodes(db);
    await expect(addScanEntries(db, st.code, people.fay.actor, [entry('R1', EAN_WIDGET)])).rejects.toBeInstanceOf(NotAllowedError);
    expect(await scanContext(db, st.code, people.carl.actor)).toMatchObject({
      stocktake: st.code,
      status: 'counting',
      blind: false,
      showsBookFigures: true,
      locations: [
        { location: 'R1', lines: 1, counted: 0, doneByMe: false },
        { location: 'R2', lines: 1, counted: 0, doneByMe: false },
        { location: 'R3', lines: 1, counted: 0, doneByMe: false },
        { location: 'R4', lines: 1, counted: 0, doneByMe: false },
      ],
    });
    await closeCounting(db, st.code);
    const closed = await addScanEntries(db, st.code, people.carl.actor, [entry('R1', EAN_WIDGET)]).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(StocktakeStateError);
    expect((closed as StocktakeStateError).localized!['zh-CN']).toContain('不再接收扫码');
  });

  it('shows a counter of a blind count no book figures, and a supervisor all of them', async () => {
    const { db } = get();
    const { st, people } = await countingWithBarcodes(db, { blind: true });
    const counted = await addScanEntries(db, st.code, people.carl.actor, [entry('R1', EAN_WIDGET, '3')]);
    expect(counted.locations[0]!.lines[0]!.expected).toBeNull();
    expect(await scanContext(db, st.code, people.carl.actor)).toMatchObject({ blind: true, showsBookFigures: false });
    const done = await finishLocation(db, st.code, people.carl.actor, 'R1');
    expect(done.progress).not.toHaveProperty('variances');
    await addScanEntries(db, st.code, people.sam.actor, [entry('R1', EAN_WIDGET, '3')]);
    expect((await scannedAt(db, st.code, people.sam.actor, 'R1')).lines[0]!.expected).toBe('100');
  });

  it('reads count sheets in pack units and by barcode, and names a unit the item lacks', async () => {
    const { db } = get();
    const { st } = await countingWithBarcodes(db);
    const report = await importCounts(
      db,
      st.code,
      csv('count.csv', [
        ['条码', '库位', '数量', '单位'],
        [EAN_WIDGET_CASE, 'R1', '8', '箱'],
        [EAN_WIDGET, 'R1', '4', ''],
        [EAN_SCREWS, 'R2', '20', 'box'],
      ]),
      { counter: 'carl' },
    );
    expect(report).toMatchObject({ linesCounted: 2, rowsAccepted: 3 });
    const rows = await queryRows<{ sku: string; qty: string; counted_as: string | null }>(
      db,
      sql`select sku, qty::text, counted_as from count_entry order by sku`,
    );
    expect(rows).toEqual([
      { sku: 'A-100', qty: '100.000', counted_as: '8 箱 + 4 pcs' },
      { sku: 'A-200', qty: '20.000', counted_as: null },
    ]);
    const refused = await importCounts(
      db,
      st.code,
      csv('count2.csv', [
        ['sku', 'location', 'qty', 'unit'],
        ['A-100', 'R1', '1', '托'],
        ['A-200', 'R2', '1', '箱'],
        ['A-100', 'R9', '1', ''],
      ]),
      { counter: 'carl' },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'unit',
        message: expect.stringContaining('箱 is not a unit of A-200: its units are box'),
      }),
    ]);
  });

  it('serves the counting page its calls over HTTP, with the session cookie, in the caller’s language', async () => {
    const { db } = get();
    const { st } = await countingWithBarcodes(db);
    const http = await testHttp(db, [mountApi]);
    const base = `/api/v1/stocktakes/${st.code}/scan`;
    const json = { 'content-type': 'application/json' };
    expect((await http.as('carl', base)).status).toBe(200);
    const lookup = await http.as('carl', `${base}/lookup?code=${EAN_WIDGET}`);
    expect(await lookup.json()).toMatchObject({ sku: 'A-100' });
    const missing = await http.as('carl', `${base}/lookup?code=000`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'NOT_FOUND', localized: { 'zh-CN': expect.stringContaining('条码 000') } },
    });
    const body = JSON.stringify({ entries: [entry('R1', EAN_WIDGET), entry('R1', EAN_WIDGET)] });
    const sent = await http.as('carl', `${base}/entries`, { method: 'POST', headers: json, body });
    expect(sent.status).toBe(200);
    const resent = await http.as('carl', `${base}/entries`, { method: 'POST', headers: json, body });
    expect(((await resent.json()) as { accepted: { duplicate: boolean }[] }).accepted.map((a) => a.duplicate)).toEqual([true, true]);
    const list = await http.as('carl', `${base}/entries?location=R1`);
    expect(await list.json()).toMatchObject({ location: 'R1', lines: [{ sku: 'A-100', qty: '2' }], pending: 2 });
    const done = await http.as('carl', `${base}/done`, { method: 'POST', headers: json, body: JSON.stringify({ location: 'R1' }) });
    expect(await done.json()).toMatchObject({ location: 'R1', linesCounted: 1, round: 1 });
    const malformed = await http.as('carl', `${base}/entries`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ entries: [{ id: 'x', location: 'R1', code: 'A', qty: '1', at: 'now' }] }),
    });
    expect(malformed.status).toBe(400);
    expect((await http.as('fay', base)).status).toBe(403);
  });
});
