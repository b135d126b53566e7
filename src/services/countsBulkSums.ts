/**
 * The bulk lane's reading and summing of a plain count sheet, on its bytes (countsBulk.ts has the lane).
 * Node built-ins only: a worker thread (countsBulkWorker.ts) loads this module alone to sum half the keys
 * of a large sheet while the importing thread sums the other half.
 */
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileSource } from '../files/source.ts';

/** Where a plain sheet's cells are. */
export interface SumPlan {
  delimiter: string;
  /** Cells in the header (every line must have as many). */
  width: number;
  sku: number;
  location: number;
  qty: number;
  /** Columns that must be empty on every line for the lane to take the sheet. */
  empty: number[];
  /** Threads to sum with; default: 2 for a sheet of 8 MB or more on a machine with two cores or more, else 1. */
  threads?: number;
  /** About how many lines the sheet has (its size over the first lines' average length), to size the tables. */
  expectedLines?: number;
}

/** A ByteSums table's memory, as one thread hands it to another. */
export interface ExportedSums {
  size: number;
  table: ArrayBuffer;
  order: ArrayBuffer;
  overflow: Buffer;
}

/** The sheet is not one the bulk lane takes whole: read it row by row instead. */
export class NotPlain extends Error {
  constructor(readonly reason: string) {
    super(`count sheet not plain: ${reason}`);
  }
}

/** Whitespace String.prototype.trim removes beyond ASCII, as UTF-8: a cell starting or ending with one is trimmed there. */
const WIDE_SPACES = [
  [0xc2, 0xa0],
  [0xe1, 0x9a, 0x80],
  ...[0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0xa8, 0xa9, 0xaf].map((b) => [0xe2, 0x80, b]),
  [0xe2, 0x81, 0x9f],
  [0xe3, 0x80, 0x80],
  [0xef, 0xbb, 0xbf],
];

function wideSpaceAt(buf: Buffer, start: number, end: number): boolean {
  if (end - start < 2 || (buf[start]! < 0x80 && buf[end - 1]! < 0x80)) return false;
  return WIDE_SPACES.some(
    (seq) =>
      (end - start >= seq.length && seq.every((b, i) => buf[start + i] === b)) ||
      (end - start >= seq.length && seq.every((b, i) => buf[end - seq.length + i] === b)),
  );
}

/**
 * The sums per (sku, location), keyed by the key's bytes: the SKU, a tab, the location, as COPY's text
 * format writes them (neither holds a tab or a line break: the check refuses control characters). An
 * open-addressing table over the bytes rather than a Map of strings: for the benchmark's 1,000,000 lines
 * and 200,000 keys a Map cost about 0.8 s (a string made and hashed per line, and the garbage).
 *
 * Each slot is one 64-byte record holding everything a line's lookup reads — the hash, the key's length,
 * the line count, the first line, the sum and up to 40 bytes of the key itself — so a lookup in a table far
 * larger than the CPU's caches misses the cache once. With the hash, the key, the sum and the counts in four
 * arrays of their own (four misses a line) the lookups took about 0.6 s of the benchmark's 1,000,000
 * lines, with one record about 0.2 s (`npm run bench:import`, CPU profile of the CLI process).
 */
const RECORD = 64;
/** Key bytes a record holds; a longer key lives in the overflow buffer, the record holding its offset. */
const INLINE = 40;
// The record's fields, as indexes into its Int32Array (16 a record) and Float64Array (8 a record) views.
const HASH = 0;
const LENGTH = 1; // 0: an empty slot (a key is never empty: it holds at least the tab)
const COUNT = 2;
const FIRST = 3;
const SUM = 2; // Float64 index: bytes 16–23
const KEY_OFFSET = 6; // a long key's offset in the overflow buffer
const KEY_AT = 24; // byte where an inline key starts

export class ByteSums {
  size = 0;
  private bytes: Buffer;
  private ints: Int32Array;
  private floats: Float64Array;
  /** The slot of each key in the order the keys came, so the sums come out in the sheet's order. */
  private order = new Int32Array(1 << 12);
  private overflow: Buffer = Buffer.allocUnsafe(1 << 12);
  private overflowUsed = 0;

  /**
   * `part` of `parts` (1 or 2): with 2, this table sums only the keys whose hash's top bit is `part`, and
   * another thread sums the others (sumSheet).
   */
  constructor(
    private readonly part = 0,
    private readonly parts = 1,
    expectedLines = 0,
  ) {
    [this.bytes, this.ints, this.floats] = ByteSums.table(ByteSums.slotsFor(expectedLines / parts));
  }

  /**
   * The slots a table starts with for about `lines` lines of its part: room for a quarter of them as keys
   * (a count sheet repeats its keys, a scanner's export several times each), at least 4,096. Each doubling
   * copies every key into fresh memory: starting at 4,096 slots, the benchmark's 100,000 keys a thread took
   * six, about 80–100 ms of the import (`STOCKTAKE_IMPORT_TIMINGS=1 npm run bench:import`, alternately). A
   * sheet of distinct keys still doubles twice; one repeating each key ten times uses its table at 20 %.
   */
  static slotsFor(lines: number): number {
    let slots = 1 << 12;
    while (slots < lines / 2 && slots < 1 << 22) slots *= 2;
    return slots;
  }

  /** The table's memory, to send to another thread (transferred, not copied). */
  export(): ExportedSums {
    return { size: this.size, table: this.ints.buffer as ArrayBuffer, order: this.order.buffer as ArrayBuffer, overflow: this.overflow };
  }

  /** A table another thread made (export). */
  static from(exported: ExportedSums): ByteSums {
    const sums = new ByteSums();
    sums.size = exported.size;
    sums.bytes = Buffer.from(exported.table);
    sums.ints = new Int32Array(exported.table);
    sums.floats = new Float64Array(exported.table);
    sums.order = new Int32Array(exported.order);
    sums.overflow = Buffer.from(exported.overflow.buffer, exported.overflow.byteOffset, exported.overflow.byteLength);
    return sums;
  }

  private static table(slots: number): [Buffer, Int32Array, Float64Array] {
    const buffer = new ArrayBuffer(slots * RECORD); // zeroed: every slot empty
    return [Buffer.from(buffer), new Int32Array(buffer), new Float64Array(buffer)];
  }

  /** Adds qty to the sum of the key sku bytes + tab + location bytes; returns the new sum (0 for another part's key). */
  add(buf: Buffer, skuStart: number, skuEnd: number, locationStart: number, locationEnd: number, qty: number, line: number): number {
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = skuStart; i < skuEnd; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    hash = Math.imul(hash ^ 0x09, 0x01000193);
    for (let i = locationStart; i < locationEnd; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    // Mixed so that the low bits, which pick the slot, depend on every byte (murmur3's finalizer).
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
    hash ^= hash >>> 16;
    if (this.parts === 2 && hash >>> 31 !== this.part) return 0; // the other thread's key
    const length = skuEnd - skuStart + 1 + locationEnd - locationStart;
    const ints = this.ints;
    const mask = ints.length / 16 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 4;
      const slotLength = ints[at + LENGTH]!;
      if (slotLength === 0) {
        this.insert(slot, hash, buf, skuStart, skuEnd, locationStart, locationEnd, length, qty, line);
        return qty;
      }
      if (ints[at + HASH] === hash && slotLength === length && this.sameKey(slot, buf, skuStart, skuEnd, locationStart, locationEnd)) {
        ints[at + COUNT]! += 1;
        return (this.floats[(slot << 3) + SUM]! += qty);
      }
    }
  }

  /**
   * The sums as rows of COPY's text format — the key (the SKU, a tab, the location; a backslash doubled),
   * the sum, the first line and the line count, separated by tabs — in chunks of about 256 KiB, in the
   * order the keys came. Written as bytes straight from the table: making a string of every key and row
   * and encoding it again cost about 0.15 s for 200,000 sums, most of an import's staging step
   * (`STOCKTAKE_IMPORT_TIMINGS=1 npm run bench:import`).
   */
  *copyChunks(): Generator<Buffer> {
    let out = Buffer.allocUnsafe(COPY_CHUNK);
    let at = 0;
    for (let e = 0; e < this.size; e++) {
      const slot = this.order[e]!;
      const record = slot << 4;
      const length = this.ints[record + LENGTH]!;
      // A key may hold backslashes (each doubled) and three numbers of at most 16 digits follow.
      if (at + 2 * length + 64 > out.length) {
        yield out.subarray(0, at);
        out = Buffer.allocUnsafe(Math.max(COPY_CHUNK, 2 * length + 64));
        at = 0;
      }
      const keys = length <= INLINE ? this.bytes : this.overflow;
      const from = length <= INLINE ? slot * RECORD + KEY_AT : this.ints[record + KEY_OFFSET]!;
      for (let i = from; i < from + length; i++) {
        const b = keys[i]!;
        if (b === 0x5c) out[at++] = 0x5c;
        out[at++] = b;
      }
      out[at++] = 0x09;
      at = writeWhole(out, at, this.floats[(slot << 3) + SUM]!);
      out[at++] = 0x09;
      at = writeWhole(out, at, this.ints[record + FIRST]!);
      out[at++] = 0x09;
      at = writeWhole(out, at, this.ints[record + COUNT]!);
      out[at++] = 0x0a;
    }
    if (at > 0) yield out.subarray(0, at);
  }

  private sameKey(slot: number, buf: Buffer, skuStart: number, skuEnd: number, locationStart: number, locationEnd: number): boolean {
    const length = skuEnd - skuStart + 1 + locationEnd - locationStart;
    const keys = length <= INLINE ? this.bytes : this.overflow;
    let k = length <= INLINE ? slot * RECORD + KEY_AT : this.ints[(slot << 4) + KEY_OFFSET]!;
    for (let i = skuStart; i < skuEnd; i++) if (keys[k++] !== buf[i]) return false;
    if (keys[k++] !== 0x09) return false;
    for (let i = locationStart; i < locationEnd; i++) if (keys[k++] !== buf[i]) return false;
    return true;
  }

  private insert(
    slot: number,
    hash: number,
    buf: Buffer,
    skuStart: number,
    skuEnd: number,
    locationStart: number,
    locationEnd: number,
    length: number,
    qty: number,
    line: number,
  ): void {
    const at = slot << 4;
    this.ints[at + HASH] = hash;
    this.ints[at + LENGTH] = length;
    this.ints[at + COUNT] = 1;
    this.ints[at + FIRST] = line;
    this.floats[(slot << 3) + SUM] = qty;
    let keys = this.bytes;
    let k = slot * RECORD + KEY_AT;
    if (length > INLINE) {
      while (this.overflowUsed + length > this.overflow.length) {
        const overflow = Buffer.allocUnsafe(this.overflow.length * 2);
        this.overflow.copy(overflow, 0, 0, this.overflowUsed);
        this.overflow = overflow;
      }
      keys = this.overflow;
      k = this.overflowUsed;
      this.ints[at + KEY_OFFSET] = k;
      this.overflowUsed += length;
    }
    k += buf.copy(keys, k, skuStart, skuEnd);
    keys[k++] = 0x09;
    buf.copy(keys, k, locationStart, locationEnd);
    if (this.size === this.order.length) {
      const order = new Int32Array(this.order.length * 2);
      order.set(this.order);
      this.order = order;
    }
    this.order[this.size++] = slot;
    if (this.size * 2 > this.ints.length / 16) this.grow();
  }

  /** Doubles the table, keeping at most half its slots used (a lookup then seldom probes past its first slot). */
  private grow(): void {
    const old = this.ints;
    [this.bytes, this.ints, this.floats] = ByteSums.table((old.length / 16) * 2);
    const ints = this.ints;
    const mask = ints.length / 16 - 1;
    for (let e = 0; e < this.size; e++) {
      const from = this.order[e]! << 4;
      let slot = old[from + HASH]! & mask;
      while (ints[(slot << 4) + LENGTH] !== 0) slot = (slot + 1) & mask;
      // The record's 16 words, copied as they are (the sum's and the key's bytes with them).
      for (let w = 0, to = slot << 4; w < 16; w++) ints[to + w] = old[from + w]!;
      this.order[e] = slot;
    }
  }
}

const COPY_CHUNK = 1 << 18;

/** Writes a whole number from 0 up to 2^53 in decimal digits at buf[at]; returns where the digits end. */
function writeWhole(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/**
 * A sum at or past this is too large for the count columns (numeric(18,3): 15 whole digits), and the
 * sheet goes the long way, where the row-by-row check names it. Each line's quantity is a whole number of
 * at most 12 digits, so a sum is checked before it can pass 10^15 + 10^12, far below 2^53: these sums of
 * whole numbers are exact as JavaScript numbers.
 */
const SUM_LIMIT = 1e15;

/**
 * Reads a plain sheet and sums it per (sku, location), refusing it (NotPlain) at the first line the
 * row-by-row check would read differently or not accept as it stands: a quote, a control character, a line
 * end unlike the first's, a line with more or fewer cells than the header, a quantity that is not a whole
 * number of up to 12 digits, a SKU that is not plain ASCII without surrounding spaces, a location with
 * something to trim, anything in the unit, counted_at, expiry or lot columns, a sum too large. Blank lines
 * are skipped, as the row-by-row check skips them.
 *
 * Summing here, on the bytes, rather than loading every line into the database and summing there with a
 * `group by`, measured (`npm run bench:import`, 1,000,000 lines, 200,000 sums): about 0.7–0.8 s in a fresh
 * process against about 1.2 s for the database's COPY of every line plus its `group by`; only the sums
 * travel to the database.
 */
export class PlainSums {
  /** Lines seen, the header's included. */
  lines = 0;
  /** Data rows summed (blank lines not included). */
  rows = 0;
  readonly sums: ByteSums;
  private carry: Buffer | null = null;
  private crlf: boolean | null = null;
  private readonly delimiter: number;
  private readonly empty: Set<number>;
  // The cells of the line just checked.
  private skuStart = 0;
  private skuEnd = 0;
  private locationStart = 0;
  private locationEnd = 0;
  private qty = 0;

  constructor(
    private readonly plan: SumPlan,
    part = 0,
    parts = 1,
  ) {
    this.delimiter = plan.delimiter.charCodeAt(0);
    this.empty = new Set(plan.empty);
    this.sums = new ByteSums(part, parts, plan.expectedLines);
  }

  /** Reads the whole sheet. */
  async read(chunks: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of chunks) this.feed(chunk);
    this.end();
  }

  private feed(chunk: Buffer): void {
    let start = 0;
    if (this.carry) {
      // Only the line cut by the chunk's start is joined (copying the whole chunk onto the carry, as
      // Buffer.concat would, cost about 0.1 s for the benchmark's 20 MB).
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      this.scan(Buffer.concat([this.carry, chunk.subarray(0, nl + 1)]), 0);
      start = nl + 1;
    }
    start = this.scan(chunk, start);
    this.carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : null;
  }

  /** Reads the whole lines of buf from start; returns where the part after the last line break starts. */
  private scan(buf: Buffer, start: number): number {
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      const crlf = nl > start && buf[nl - 1] === 0x0d;
      if (this.crlf === null) this.crlf = crlf;
      else if (crlf !== this.crlf) throw new NotPlain('mixed line ends');
      this.line(buf, start, crlf ? nl - 1 : nl);
      start = nl + 1;
    }
    return start;
  }

  private end(): void {
    const rest = this.carry;
    if (rest && rest.length > 0) {
      if (rest[rest.length - 1] === 0x0d) throw new NotPlain('a bare CR');
      this.line(rest, 0, rest.length);
    }
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lines += 1;
    if (this.lines === 1) return; // the header
    const problem = this.check(buf, start, end);
    if (problem === 'blank') return;
    if (problem !== null) throw new NotPlain(problem);
    const sum = this.sums.add(buf, this.skuStart, this.skuEnd, this.locationStart, this.locationEnd, this.qty, this.lines);
    if (sum >= SUM_LIMIT) throw new NotPlain('a sum too large');
    this.rows += 1;
  }

  /** What is wrong with the line buf[start, end) for the lane, 'blank' for a line of empty cells, else null. */
  private check(buf: Buffer, start: number, end: number): string | null {
    const { sku, location, qty, width } = this.plan;
    if (end === start) return 'blank';
    let cell = 0;
    let cellStart = start;
    let blank = true;
    let skuOrQtyEmpty = false;
    for (let i = start; i <= end; i++) {
      const b = i < end ? buf[i]! : this.delimiter;
      if (b === this.delimiter) {
        if (i < end ? cell === width - 1 : cell !== width - 1) return 'a line with another number of cells';
        const length = i - cellStart;
        if (length > 0) blank = false;
        if (cell === qty) {
          if (length > 12) return 'a long quantity';
          let value = 0;
          for (let j = cellStart; j < i; j++) {
            const digit = buf[j]! - 0x30;
            if (digit < 0 || digit > 9) return 'a quantity not a whole number';
            value = value * 10 + digit;
          }
          this.qty = value;
          if (length === 0) skuOrQtyEmpty = true;
        } else if (cell === sku) {
          if (length > 0 && (buf[cellStart] === 0x20 || buf[i - 1] === 0x20)) return 'a SKU with spaces around it';
          for (let j = cellStart; j < i; j++) if (buf[j]! > 0x7e) return 'a SKU not in plain ASCII';
          if (length === 0) skuOrQtyEmpty = true;
          this.skuStart = cellStart;
          this.skuEnd = i;
        } else if (cell === location) {
          if (length > 0 && (buf[cellStart] === 0x20 || buf[i - 1] === 0x20 || wideSpaceAt(buf, cellStart, i))) return 'a location to trim';
          this.locationStart = cellStart;
          this.locationEnd = i;
        } else if (length > 0 && this.empty.has(cell)) return 'a unit, time, expiry or lot';
        cell += 1;
        cellStart = i + 1;
      } else if (b === 0x22) return 'a quote';
      else if (b < 0x20 ? b !== 0x09 || this.delimiter !== 0x09 : b === 0x7f) return 'a control character';
    }
    if (blank) return 'blank';
    // A line with cells but no SKU or no quantity is the row-by-row check's to name.
    return skuOrQtyEmpty ? 'a SKU or quantity missing' : null;
  }
}

/** What summing a sheet found: its lines (the header's included), data rows, and the sums, in one table or two. */
export interface SheetSums {
  lines: number;
  rows: number;
  sums: ByteSums[];
}

/**
 * A sheet this large or larger is summed by two threads when there are two cores: each reads and checks
 * every line and sums the keys of its half (by hash), so neither table holds more than about half of the
 * keys. For the benchmark's 20 MB, 1,000,000 lines and 200,000 keys, reading and summing took 730–780 ms
 * on one thread and 615–638 ms on two (`npm run bench:import`, 2-core machine, alternately): less than
 * half, because most of it is the kernel handing the tables their fresh memory (about 11 µs a 4 KiB page
 * on this virtual machine), which two threads of one process do not do at once. A second thread costs
 * its start (tens of ms), more than summing a small sheet takes.
 */
const THREADS_FROM_BYTES = 8 << 20;

/** Reads, checks and sums a plain sheet (NotPlain at the first line the lane cannot take). */
export async function sumSheet(plan: SumPlan, source: FileSource): Promise<SheetSums> {
  const size = source.path ? statSync(source.path).size : 0;
  const threads = plan.threads ?? (size > 0 && availableParallelism() >= 2 && size >= THREADS_FROM_BYTES ? 2 : 1);
  if (threads < 2 || !source.path) {
    const sheet = new PlainSums(plan);
    await sheet.read(source.open());
    return { lines: sheet.lines, rows: sheet.rows, sums: [sheet.sums] };
  }
  const { delimiter, width, sku, location, qty, empty, expectedLines } = plan; // the plan alone: a source cannot cross threads
  const worker = startWorker({ plan: { delimiter, width, sku, location, qty, empty, expectedLines, threads: 2 }, path: source.path });
  try {
    const sheet = new PlainSums(plan, 0, 2);
    const [, other] = await Promise.all([sheet.read(fileChunks(source.path)), worker.result]);
    return { lines: sheet.lines, rows: sheet.rows, sums: [sheet.sums, ByteSums.from(other)] };
  } finally {
    void worker.stop();
  }
}

/**
 * The file's bytes in 1 MiB chunks, read into one buffer over and over: PlainSums copies what it keeps
 * (a key, a line cut by the chunk's end) before asking for the next. A stream allocates a fresh 1 MiB
 * for every chunk instead, and the kernel hands each its pages anew (about 11 µs a 4 KiB page on this
 * project's machine; two threads of one process take them one at a time).
 */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(1 << 20);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

/** What the worker thread is sent. */
export interface SumTask {
  plan: SumPlan;
  path: string;
}

/** What it answers: its half's table, or why the sheet is not plain. */
export type SumAnswer = { sums: ExportedSums } | { notPlain: string } | { failed: string };

function startWorker(task: SumTask): { result: Promise<ExportedSums>; stop: () => Promise<number> } {
  // Built, the worker is dist/countsBulkWorker.js beside this chunk; from the sources (tests), the .ts,
  // loaded through tsx registered in the thread first.
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./countsBulkWorker.ts', import.meta.url).href)}); })`,
        { eval: true, workerData: task },
      )
    : new Worker(new URL('./countsBulkWorker.js', import.meta.url), { workerData: task });
  const result = new Promise<ExportedSums>((resolve, reject) => {
    worker.once('message', (answer: SumAnswer) => {
      if ('sums' in answer) resolve(answer.sums);
      else if ('notPlain' in answer) reject(new NotPlain(answer.notPlain));
      else reject(new Error(`summing the sheet's other half failed: ${answer.failed}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the summing thread exited (${code}) without an answer`)));
  });
  result.catch(() => {}); // awaited by sumSheet; a sheet refused by this thread first leaves it unawaited
  return { result, stop: () => worker.terminate() };
}
