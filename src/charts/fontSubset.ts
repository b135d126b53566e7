/**
 * Glyph subsets of the bundled CFF-flavoured OpenType fonts, so that resvg reads a font of under a megabyte
 * instead of 8 MB.
 *
 * Why: resvg-js 2.6 takes fonts only as file paths, and its font database appears to re-read the file for
 * every glyph it outlines: measured, the time grows with file size times glyph count, about 0.8 ms per glyph
 * with the 8 MB Noto Sans Hans (30,888 glyphs), 200–300 ms per chart. With a subset of about 0.9 MB, the
 * same chart takes 40–70 ms including making the subset.
 *
 * The subset keeps every glyph id (unused glyphs get an empty charstring), so cmap, hmtx, GSUB and GPOS stay
 * valid as they are; only the CFF CharStrings INDEX is rebuilt, and the offsets that point past it are
 * patched in place. Glyphs kept: .notdef, every glyph no character maps to (ligatures, variants GSUB may
 * substitute), every glyph a GSUB lookup can put in (ligatures such as "fi" are also mapped from U+FB01),
 * Latin, punctuation and full-width forms, and the glyphs of the characters in the chart.
 * A font laid out in any other way than this code expects is not subset: the caller uses the original file.
 */
import { readFileSync } from 'node:fs';

export interface SubsettableFont {
  /** The glyph id of a code point, from the font's Unicode cmap. */
  glyphOf(codePoint: number): number | undefined;
  /** An OpenType font with the same glyph ids, outlines only for `codePoints` and the always-kept glyphs. */
  subset(codePoints: Iterable<number>): Buffer;
}

interface Table {
  tag: string;
  checksum: number;
  data: Buffer;
}

/** Tables that are dropped: a signature the subset would break, and vertical metrics charts never use. */
const DROPPED = new Set(['DSIG', 'vhea', 'vmtx', 'VORG']);

/** Code point ranges whose glyphs are always kept: small glyphs that GSUB may reach from other characters. */
const ALWAYS: [number, number][] = [
  [0x0000, 0x024f], // Latin
  [0x2000, 0x214f], // punctuation, currency, letterlike
  [0x3000, 0x303f], // CJK symbols and punctuation
  [0xff00, 0xffef], // full-width and half-width forms
];

/** Parses a font file, or returns null when it is not a CFF OpenType font laid out as expected. */
export function loadSubsettableFont(path: string): SubsettableFont | null {
  try {
    return parse(readFileSync(path));
  } catch {
    return null;
  }
}

function parse(file: Buffer): SubsettableFont | null {
  if (file.toString('latin1', 0, 4) !== 'OTTO') return null;
  const tables: Table[] = [];
  const numTables = file.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const offset = file.readUInt32BE(rec + 8);
    tables.push({
      tag: file.toString('latin1', rec, rec + 4),
      checksum: file.readUInt32BE(rec + 4),
      data: file.subarray(offset, offset + file.readUInt32BE(rec + 12)),
    });
  }
  const cff = tables.find((t) => t.tag === 'CFF ')?.data;
  const cmapTable = tables.find((t) => t.tag === 'cmap')?.data;
  if (!cff || !cmapTable) return null;
  const cmap = readCmap(cmapTable);
  const layout = readCff(cff);
  if (!cmap || !layout) return null;

  const { charStrings } = layout;
  const baseKeep = new Uint8Array(charStrings.count);
  baseKeep[0] = 1;
  const mapped = new Uint8Array(charStrings.count);
  for (const [cp, gid] of cmap) {
    if (gid >= charStrings.count) return null;
    mapped[gid] = 1;
    if (ALWAYS.some(([lo, hi]) => cp >= lo && cp <= hi)) baseKeep[gid] = 1;
  }
  for (let gid = 0; gid < charStrings.count; gid++) if (!mapped[gid]) baseKeep[gid] = 1;
  const gsub = tables.find((t) => t.tag === 'GSUB')?.data;
  if (gsub) for (const gid of gsubOutputs(gsub)) if (gid < charStrings.count) baseKeep[gid] = 1;

  return {
    glyphOf: (cp) => cmap.get(cp),
    subset(codePoints) {
      const keep = baseKeep.slice();
      for (const cp of codePoints) {
        const gid = cmap.get(cp);
        if (gid !== undefined) keep[gid] = 1;
      }
      const newCff = rebuildCff(cff, layout, keep);
      return writeOpenType(
        file,
        tables
          .filter((t) => !DROPPED.has(t.tag))
          .map((t) => (t.tag === 'CFF ' ? { tag: t.tag, checksum: checksum(newCff), data: newCff } : t)),
      );
    },
  };
}

/** The Unicode cmap: format 12 (full repertoire) preferred, else format 4 (BMP). */
function readCmap(t: Buffer): Map<number, number> | null {
  const n = t.readUInt16BE(2);
  let fmt4: number | undefined;
  for (let i = 0; i < n; i++) {
    const platform = t.readUInt16BE(4 + 8 * i);
    const encoding = t.readUInt16BE(6 + 8 * i);
    const offset = t.readUInt32BE(8 + 8 * i);
    const format = t.readUInt16BE(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) {
      const map = new Map<number, number>();
      const groups = t.readUInt32BE(offset + 12);
      for (let g = 0; g < groups; g++) {
        const p = offset + 16 + 12 * g;
        const start = t.readUInt32BE(p);
        const end = t.readUInt32BE(p + 4);
        const gid = t.readUInt32BE(p + 8);
        for (let cp = start; cp <= end; cp++) map.set(cp, gid + cp - start);
      }
      return map;
    }
    if (format === 4) fmt4 ??= offset;
  }
  if (fmt4 === undefined) return null;
  const map = new Map<number, number>();
  const segX2 = t.readUInt16BE(fmt4 + 6);
  const ends = fmt4 + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  for (let s = 0; s < segX2; s += 2) {
    const start = t.readUInt16BE(starts + s);
    const end = t.readUInt16BE(ends + s);
    const delta = t.readInt16BE(deltas + s);
    const rangeOffset = t.readUInt16BE(ranges + s);
    for (let cp = start; cp <= end && cp !== 0xffff; cp++) {
      const raw = rangeOffset === 0 ? cp : t.readUInt16BE(ranges + s + rangeOffset + 2 * (cp - start));
      const gid = rangeOffset !== 0 && raw === 0 ? 0 : (raw + delta) & 0xffff;
      if (gid !== 0) map.set(cp, gid);
    }
  }
  return map;
}

/**
 * Every glyph any GSUB lookup can output (single, multiple, alternate, ligature, reverse chaining; contextual
 * lookups only call these), whether or not the shaper will apply it: over-keeping costs bytes, not glyphs.
 */
function gsubOutputs(gsub: Buffer): number[] {
  const out: number[] = [];
  const u16 = (at: number) => gsub.readUInt16BE(at);
  const array = (at: number) => Array.from({ length: u16(at) }, (_, i) => u16(at + 2 + 2 * i));
  const coverage = (at: number): number[] => {
    if (u16(at) === 1) return array(at + 2);
    const glyphs: number[] = [];
    for (let r = 0; r < u16(at + 2); r++) for (let g = u16(at + 4 + 6 * r); g <= u16(at + 6 + 6 * r); g++) glyphs.push(g);
    return glyphs;
  };
  const subtable = (type: number, at: number): void => {
    const format = u16(at);
    if (type === 7) return subtable(u16(at + 2), at + gsub.readUInt32BE(at + 4));
    if (type === 1 && format === 1) {
      const delta = u16(at + 4);
      for (const g of coverage(at + u16(at + 2))) out.push((g + delta) & 0xffff);
    } else if (type === 1 && format === 2) {
      out.push(...array(at + 4));
    } else if (type === 2 || type === 3) {
      for (const offset of array(at + 4)) out.push(...array(at + offset));
    } else if (type === 4) {
      for (const setOffset of array(at + 4)) for (const ligOffset of array(at + setOffset)) out.push(u16(at + setOffset + ligOffset));
    } else if (type === 8) {
      const backtrack = u16(at + 4);
      const lookahead = at + 6 + 2 * backtrack;
      out.push(...array(lookahead + 2 + 2 * u16(lookahead)));
    }
  };
  const lookupList = u16(8);
  for (const lookupOffset of array(lookupList)) {
    const lookup = lookupList + lookupOffset;
    for (const offset of array(lookup + 4)) subtable(u16(lookup), lookup + offset);
  }
  return out;
}

interface Index {
  count: number;
  /** Start and end (exclusive) of the INDEX in the CFF table, and of each item. */
  start: number;
  end: number;
  items: (i: number) => [number, number];
}

function readIndex(cff: Buffer, at: number): Index {
  const count = cff.readUInt16BE(at);
  if (count === 0) return { count, start: at, end: at + 2, items: () => [at + 2, at + 2] };
  const offSize = cff[at + 2]!;
  const offsets = at + 3;
  const base = offsets + (count + 1) * offSize - 1;
  const off = (i: number) => base + cff.readUIntBE(offsets + i * offSize, offSize);
  return { count, start: at, end: off(count), items: (i) => [off(i), off(i + 1)] };
}

interface DictEntry {
  op: number;
  /** Each operand's value (NaN for reals) and byte position; `int32` when encoded as a 5-byte integer. */
  operands: { value: number; pos: number; int32: boolean }[];
}

function readDict(cff: Buffer, start: number, end: number): DictEntry[] {
  const entries: DictEntry[] = [];
  let operands: DictEntry['operands'] = [];
  for (let i = start; i < end; ) {
    const b = cff[i]!;
    if (b <= 21) {
      const op = b === 12 ? 1200 + cff[i + 1]! : b;
      i += b === 12 ? 2 : 1;
      entries.push({ op, operands });
      operands = [];
    } else if (b === 28) {
      operands.push({ value: cff.readInt16BE(i + 1), pos: i, int32: false });
      i += 3;
    } else if (b === 29) {
      operands.push({ value: cff.readInt32BE(i + 1), pos: i, int32: true });
      i += 5;
    } else if (b === 30) {
      const pos = i++;
      while (i < end && (cff[i]! & 0x0f) !== 0x0f && cff[i]! >> 4 !== 0x0f) i++;
      i++;
      operands.push({ value: Number.NaN, pos, int32: false });
    } else if (b >= 32 && b <= 246) {
      operands.push({ value: b - 139, pos: i++, int32: false });
    } else if (b >= 247 && b <= 250) {
      operands.push({ value: (b - 247) * 256 + cff[i + 1]! + 108, pos: i, int32: false });
      i += 2;
    } else if (b >= 251 && b <= 254) {
      operands.push({ value: -(b - 251) * 256 - cff[i + 1]! - 108, pos: i, int32: false });
      i += 2;
    } else {
      throw new Error(`Unexpected CFF DICT byte ${b}`);
    }
  }
  return entries;
}

interface CffLayout {
  charStrings: Index;
  /** Where each glyph's charstring starts in the CFF table, and (last) where the INDEX data ends. */
  glyphStarts: Uint32Array;
  /** Byte positions (in the CFF table) of 5-byte offsets that point past the CharStrings INDEX. */
  patches: number[];
}

const CHARSTRINGS = 17;
const PRIVATE = 18;
const FD_ARRAY = 1236;
const OFFSET_OPS = new Set([15, 16, CHARSTRINGS, 1236, 1237]);
/** A Type 2 charstring that draws nothing. */
const ENDCHAR = 14;

function readCff(cff: Buffer): CffLayout | null {
  if (cff[0] !== 1) return null;
  const names = readIndex(cff, cff[2]!);
  const topDicts = readIndex(cff, names.end);
  if (topDicts.count !== 1) return null;
  const top = readDict(cff, ...topDicts.items(0));
  const csAt = top.find((e) => e.op === CHARSTRINGS)?.operands[0]?.value;
  if (csAt === undefined) return null;
  const charStrings = readIndex(cff, csAt);
  const patches: number[] = [];
  const offsetOperands: DictEntry['operands'] = [];
  for (const e of top) {
    if (OFFSET_OPS.has(e.op) && e.op !== CHARSTRINGS) offsetOperands.push(e.operands[0]!);
    if (e.op === PRIVATE) offsetOperands.push(e.operands[1]!);
  }
  const fdArrayAt = top.find((e) => e.op === FD_ARRAY)?.operands[0]?.value;
  if (fdArrayAt !== undefined) {
    const fdArray = readIndex(cff, fdArrayAt);
    for (let i = 0; i < fdArray.count; i++) {
      const priv = readDict(cff, ...fdArray.items(i)).find((e) => e.op === PRIVATE);
      if (priv?.operands[1]) offsetOperands.push(priv.operands[1]);
    }
  }
  for (const operand of offsetOperands) {
    // Structures inside the CharStrings INDEX cannot exist; those after it move, and must be patchable.
    if (operand.value >= charStrings.start && operand.value < charStrings.end) return null;
    if (operand.value >= charStrings.end) {
      if (!operand.int32) return null;
      patches.push(operand.pos);
    }
  }
  const glyphStarts = new Uint32Array(charStrings.count + 1);
  for (let gid = 0; gid < charStrings.count; gid++) glyphStarts[gid] = charStrings.items(gid)[0];
  glyphStarts[charStrings.count] = charStrings.end;
  return { charStrings, glyphStarts, patches };
}

/** The CFF table with a CharStrings INDEX in which unkept glyphs are a bare `endchar`. */
function rebuildCff(cff: Buffer, layout: CffLayout, keep: Uint8Array): Buffer {
  const cs = layout.charStrings;
  const starts = layout.glyphStarts;
  let dataLength = 0;
  for (let gid = 0; gid < cs.count; gid++) dataLength += keep[gid] ? starts[gid + 1]! - starts[gid]! : 1;
  const offSize = dataLength + 1 < 0x100 ? 1 : dataLength + 1 < 0x10000 ? 2 : dataLength + 1 < 0x1000000 ? 3 : 4;
  const indexLength = 3 + (cs.count + 1) * offSize + dataLength;
  const delta = indexLength - (cs.end - cs.start);
  const out = Buffer.allocUnsafe(cff.length + delta);
  cff.copy(out, 0, 0, cs.start);
  out.writeUInt16BE(cs.count, cs.start);
  out[cs.start + 2] = offSize;
  let offsetAt = cs.start + 3;
  const dataStart = offsetAt + (cs.count + 1) * offSize;
  let at = dataStart;
  for (let gid = 0; gid < cs.count; gid++) {
    out.writeUIntBE(at - dataStart + 1, offsetAt, offSize);
    offsetAt += offSize;
    if (keep[gid]) at += cff.copy(out, at, starts[gid]!, starts[gid + 1]!);
    else out[at++] = ENDCHAR;
  }
  out.writeUIntBE(at - dataStart + 1, offsetAt, offSize);
  cff.copy(out, at, cs.end);
  for (const pos of layout.patches) {
    const p = pos < cs.start ? pos : pos + delta;
    out.writeInt32BE(out.readInt32BE(p + 1) + delta, p + 1);
  }
  return out;
}

function writeOpenType(original: Buffer, tables: Table[]): Buffer {
  const n = tables.length;
  const header = Buffer.alloc(12 + 16 * n);
  original.copy(header, 0, 0, 4);
  const entrySelector = Math.floor(Math.log2(n));
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(16 * 2 ** entrySelector, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(16 * n - 16 * 2 ** entrySelector, 10);
  const body: Buffer[] = [];
  let offset = header.length;
  tables.forEach((t, i) => {
    header.write(t.tag, 12 + 16 * i, 4, 'latin1');
    header.writeUInt32BE(t.checksum, 16 + 16 * i);
    header.writeUInt32BE(offset, 20 + 16 * i);
    header.writeUInt32BE(t.data.length, 24 + 16 * i);
    const padding = (4 - (t.data.length % 4)) % 4;
    body.push(t.data, Buffer.alloc(padding));
    offset += t.data.length + padding;
  });
  return Buffer.concat([header, ...body]);
}

function checksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  if (whole < data.length) {
    const tail = Buffer.alloc(4);
    data.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}
