import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { Readable } from 'node:stream';
import { bufferSource, fileSource, type FileSource } from '../../src/files/source.ts';
import { importBook } from '../../src/services/book.ts';
import { importCounts, type ImportLanes } from '../../src/services/counts.ts';
import { importItems } from '../../src/services/items.ts';
import { startStocktake } from '../../src/services/stocktakes.ts';
import { addWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';

// The bulk lane (src/services/countsBulk.ts) reads a plain sheet on its bytes and sums it; every other
// sheet is read row by row. The same sheet imported both ways must give the same report, entries and
// lines, and the lane must decline exactly what it cannot read the same way — also far past the block of
// lines it samples first (64 KiB), where only the check of every line can see it.

const SKUS = 200;
const ROWS = 5000; // about 90 KiB: the odd line at the end lies beyond the sampled head
const sku = (i: number) => `S-${String(i % SKUS).padStart(4, '0')}`;
const location = (i: number) => (i % 4 === 0 ? `库位${i % 10}` : i % 4 === 1 ? `R\\${i % 10}` : `A-${i % 10}`);
const rows = (n = ROWS) => Array.from({ length: n }, (_, i) => `${sku(i)},${location(i % SKUS)},${(i % 7) + 1}`);

async function seedItems(db: Db): Promise<void> {
  const items = Array.from({ length: SKUS }, (_, i) => `${sku(i)},Item ${i},pcs,1.50,no`);
  items.push('LOT-1,Lot item,pcs,2.00,yes');
  await importItems(db, bufferSource('items.csv', `sku,name,unit,unit_cost,lot_tracked\n${items.join('\n')}\n`));
}

/** Two warehouses with the same book and a stocktake each: one imports through the lane, one row by row. */
async function seed(db: Db, name: string): Promise<{ bulk: string; rows: string }> {
  const book = Array.from({ length: SKUS }, (_, i) => `${sku(i)},"${location(i)}",10`);
  const codes = [];
  for (const wh of [`${name}-B`, `${name}-R`]) {
    await addWarehouse(db, { code: wh, timezone: 'Asia/Shanghai' });
    await importBook(db, wh, bufferSource('book.csv', `sku,location,qty\n${book.join('\n')}\n`));
    codes.push((await startStocktake(db, wh)).code);
  }
  return { bulk: codes[0]!, rows: codes[1]! };
}

/** A sheet's header and lines, and the lane that should take it. */
interface Case {
  name: string;
  text: string;
  lane: 'bulk' | 'rows';
  /** Read in pieces of this many bytes (a line, a character or a CRLF cut between two), not in one. */
  pieces?: number;
  /** Summed by this many threads (a large sheet's default is 2; these small ones take 1 unless told). */
  threads?: number;
}

const csv = (header: string, lines: string[], eol = '\n') => `${header}${eol}${lines.join(eol)}${eol}`;
const withLast = (line: string) => [...rows(), line];

const CASES: Case[] = [
  { name: 'plain', text: csv('sku,location,qty', rows()), lane: 'bulk' },
  { name: 'CRLF', text: csv('sku,location,qty', rows(), '\r\n'), lane: 'bulk' },
  { name: 'BOM', text: `\ufeff${csv('sku,location,qty', rows())}`, lane: 'bulk' },
  { name: 'no final line break', text: csv('sku,location,qty', rows()).slice(0, -1), lane: 'bulk' },
  {
    name: 'tab',
    text: csv(
      'sku\tlocation\tqty',
      rows().map((l) => l.replaceAll(',', '\t')),
    ),
    lane: 'bulk',
  },
  {
    name: 'Chinese header, columns reordered, a column not read',
    text: csv(
      '数量,备注,库位,物料编码',
      rows().map((l) => {
        const [s, loc, q] = l.split(',');
        return `${q},ok,${loc},${s}`;
      }),
    ),
    lane: 'bulk',
  },
  {
    name: 'empty unit, lot and counted_at columns',
    text: csv(
      'sku,location,qty,unit,lot,counted_at',
      rows().map((l) => `${l},,,`),
    ),
    lane: 'bulk',
  },
  { name: 'leading zeros and an empty location', text: csv('sku,location,qty', withLast(`${sku(3)},,007`)), lane: 'bulk' },
  { name: 'a decimal quantity far down', text: csv('sku,location,qty', withLast(`${sku(3)},A-3,1.5`)), lane: 'rows' },
  { name: 'a quoted cell far down', text: csv('sku,location,qty', withLast(`${sku(3)},"A-3",2`)), lane: 'rows' },
  { name: 'a line of empty cells far down', text: csv('sku,location,qty', [...rows(), ',,', `${sku(3)},A-3,2`]), lane: 'bulk' },
  {
    name: 'a location with a leading no-break space far down',
    text: csv('sku,location,qty', withLast(`${sku(3)},\u00a0A-3,2`)),
    lane: 'rows',
  },
  { name: 'a SKU in full-width letters far down (refused)', text: csv('sku,location,qty', withLast(`Ｓ-0003,A-3,2`)), lane: 'rows' },
  { name: 'a quantity without a SKU far down (refused)', text: csv('sku,location,qty', withLast(',A-3,2')), lane: 'rows' },
  { name: 'a location with a full-width space far down', text: csv('sku,location,qty', withLast(`${sku(3)},A-3\u3000,2`)), lane: 'rows' },
  { name: 'a SKU with a leading space far down', text: csv('sku,location,qty', withLast(` ${sku(3)},A-3,2`)), lane: 'rows' },
  { name: 'a blank line far down', text: csv('sku,location,qty', [...rows(), '', `${sku(3)},A-3,2`]), lane: 'bulk' },
  { name: 'trailing blank lines', text: `${csv('sku,location,qty', rows())}\n\n`, lane: 'bulk' },
  {
    name: 'a tab inside a cell of a comma-separated sheet far down',
    text: csv('sku,location,qty', withLast(`${sku(3)},A\t3,2`)),
    lane: 'rows',
  },
  { name: 'a bare CR far down (refused)', text: csv('sku,location,qty', withLast(`${sku(3)},A-3,2\r${sku(4)},A-4,2`)), lane: 'rows' },
  {
    name: 'a line holding only \\. far down (refused)',
    text: csv('sku,location,qty', [...rows(), '\\.', `${sku(3)},A-3,2`]),
    lane: 'rows',
  },
  { name: 'a line with an extra cell far down', text: csv('sku,location,qty', withLast(`${sku(3)},A-3,2,x`)), lane: 'rows' },
  {
    name: 'sums past 12 digits',
    text: csv('sku,location,qty', [...rows(), ...Array(30).fill(`${sku(3)},A-3,999999999999`)]),
    lane: 'bulk',
  },
  {
    name: 'a sum past 15 digits far down (refused)',
    text: csv('sku,location,qty', [...rows(), ...Array(1001).fill(`${sku(3)},A-3,999999999999`)]),
    lane: 'rows',
  },
  { name: 'a 13-digit quantity far down', text: csv('sku,location,qty', withLast(`${sku(3)},A-3,1234567890123`)), lane: 'rows' },
  { name: 'a lot-tracked item far down (refused)', text: csv('sku,location,qty', withLast('LOT-1,A-3,2')), lane: 'rows' },
  {
    name: 'a unit used far down',
    text: csv('sku,location,qty,unit', [...rows().map((l) => `${l},`), `${sku(3)},A-3,2,pcs`]),
    lane: 'rows',
  },
  { name: 'an unknown SKU far down (refused)', text: csv('sku,location,qty', withLast('NOPE-1,A-3,2')), lane: 'rows' },
  {
    // More keys than the lane's table starts with (it grows), keys longer than its records hold inline.
    name: 'a long location of its own on every line, CRLF, read in 7-byte pieces',
    text: csv(
      'sku,location,qty',
      rows().map((l, i) => l.replace(/,[^,]*,/, `,货架-${i}-${'X'.repeat(i % 60)},`)),
      '\r\n',
    ),
    lane: 'bulk',
    pieces: 7,
  },
  { name: 'plain, read in 5-byte pieces', text: csv('sku,location,qty', rows()), lane: 'bulk', pieces: 5 },
  { name: 'a decimal in the first lines', text: csv('sku,location,qty', [`${sku(1)},A-1,0.5`, ...rows()]), lane: 'rows' },
];

// Two threads each sum the keys of their half: the same results, and a refusal found in either half.
const THREADED = [
  'plain',
  'CRLF',
  'a long location of its own on every line, CRLF, read in 7-byte pieces',
  'a sum past 15 digits far down (refused)',
  'a quoted cell far down',
  'an unknown SKU far down (refused)',
];
CASES.push(
  ...CASES.filter((c) => THREADED.includes(c.name)).map((c) => ({ ...c, name: `two threads: ${c.name}`, threads: 2, pieces: undefined })),
);

/** The sheet as a file of its own. */
function sheetFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stocktake-lanes-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'sheet.csv'), text);
  return join(dir, 'sheet.csv');
}

/** A file read in pieces of `size` bytes, as a stream may hand it over. */
function piecesSource(name: string, text: string, size: number): FileSource {
  const bytes = Buffer.from(text, 'utf8');
  return {
    name,
    open: () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))),
  };
}

/** What an import leaves, without what differs by stocktake (ids, codes, times). */
async function outcome(db: Db, code: string, text: string, lanes: ImportLanes, pieces?: number): Promise<unknown> {
  // Only a sheet that is a file is read by a second thread (which opens the file itself).
  const source = lanes.threads
    ? await fileSource(sheetFile(text))
    : pieces
      ? piecesSource('sheet.csv', text, pieces)
      : bufferSource('sheet.csv', text);
  const result = await importCounts(db, code, source, { counter: 'lanes' }, null, lanes).then(
    ({ progress: { id, code, snapshotAt, warehouse, ...progress }, ...report }) => ({
      ...report,
      progress,
      importId: undefined,
      stocktake: undefined,
    }),
    (error: { name: string; message: string; problems?: unknown }) => ({
      error: error.name,
      message: error.message,
      problems: error.problems,
    }),
  );
  const entries = await queryRows(
    db,
    sql`select e.sku, e.location, e.lot, e.qty::text, e.round, e.first_line, e.line_count, e.counted_as
        from count_entry e join stocktake s on s.id = e.stocktake_id where s.code = ${code} order by 1, 2, 3, 5, 4`,
  );
  const lines = await queryRows(
    db,
    sql`select l.sku, l.location, l.lot, l.count_status, l.counted_qty::text, l.count_round, l.in_book
        from stocktake_line l join stocktake s on s.id = l.stocktake_id where s.code = ${code} order by 1, 2, 3`,
  );
  return { result, entries, lines };
}

describeEachDatabase('count import lanes', (get) => {
  it.each(CASES)('reads a sheet with $name the same through the bulk lane and row by row', async (c) => {
    const { db } = get();
    await seedItems(db);
    const { bulk, rows: byRows } = await seed(db, 'L');
    let taken: string | null = null;
    const viaLane = await outcome(db, bulk, c.text, { taken: (lane) => (taken = lane), threads: c.threads }, c.pieces);
    const rowByRow = await outcome(db, byRows, c.text, { bulk: false }, c.pieces);
    expect(viaLane).toEqual(rowByRow);
    // The lane takes exactly the plain sheets; a sheet refused is refused by the row-by-row check.
    expect(taken ?? 'refused').toBe(c.name.endsWith('(refused)') ? 'refused' : c.lane);
  });

  it('settles a conflict the same way: a later sheet covering it is counted one round up', async () => {
    const { db } = get();
    await seedItems(db);
    const { bulk, rows: byRows } = await seed(db, 'C');
    const first = csv('sku,location,qty', rows(SKUS));
    const second = csv(
      'sku,location,qty',
      rows(SKUS).map((l, i) => (i === 5 ? l.replace(/,\d+$/, ',99') : l)),
    );
    const third = csv(
      'sku,location,qty',
      rows(SKUS).map((l) => l.replace(/,\d+$/, ',4')),
    );
    const results: unknown[][] = [[], []];
    for (const [i, [code, lanes]] of (
      [
        [bulk, {}],
        [byRows, { bulk: false }],
      ] as const
    ).entries()) {
      await importCounts(db, code, bufferSource('a.csv', first), { counter: 'lanes', round: 1 }, null, lanes);
      await importCounts(db, code, bufferSource('b.csv', second), { counter: 'lanes', round: 1 }, null, lanes);
      results[i]!.push(await outcome(db, code, third, lanes));
    }
    expect(results[0]).toEqual(results[1]);
    const [settled] = results[0] as { result: { round: number; linesResolved: number } }[];
    expect(settled!.result).toMatchObject({ round: 2, linesResolved: 1 });
  });
});
