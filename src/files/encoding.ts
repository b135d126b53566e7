/**
 * How a CSV file's text is encoded, decided from its bytes. What each step trusts, and why:
 * - a byte order mark says it outright;
 * - UTF-16 without one (Excel's "Unicode text" saved by some tools) shows as a zero byte beside nearly
 *   every ASCII character, always on the same side; it must then decode strictly;
 * - text that decodes strictly as UTF-8 is UTF-8 (other encodings almost never do);
 * - otherwise GB18030 (GBK), what Excel on Chinese Windows writes, or Windows-1252 (Latin-1), what it
 *   writes in Western Europe and the Americas. A detector (chardet) is weak on short files, where most
 *   count sheets are ("仓库一区" alone gives it nothing to go on), so it is one vote beside the structure
 *   of the bytes: a GB18030 file must decode strictly, and nearly all of its characters are the common
 *   GB2312 ones (both bytes 0xA1–0xFE), which Latin-1 accents followed by ASCII letters never form.
 * When neither fits, the file is refused with the encodings tried rather than read wrongly.
 */
import chardet from 'chardet';

const SAMPLE_BYTES = 1 << 16;
const HIGH = /[\x80-\xff]/g;

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';

/** The encodings a refusal names as tried, in the order they are tried. */
export const ENCODINGS_TRIED = 'UTF-8, UTF-16 (LE, BE), GB18030/GBK, Windows-1252/Latin-1';

/** From the bytes: a byte order mark's encoding, or null. */
export function byteOrderMark(head: Uint8Array): TextEncoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * UTF-16 without a byte order mark, judged from the first bytes: a zero byte in at least a tenth of the
 * characters (the ASCII ones: delimiters, digits, line breaks), mostly on one side. Confirm by a strict decode.
 */
export function utf16WithoutMark(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return null;
  let zeroHigh = 0; // LE: the high byte, second of each pair
  let zeroLow = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) zeroLow += 1;
    if (head[i + 1] === 0) zeroHigh += 1;
  }
  // Some CJK characters have a zero byte of their own (一 is U+4E00): mostly on one side is enough.
  if (zeroHigh >= pairs / 10 && zeroHigh >= 2 * zeroLow) return 'utf-16le';
  if (zeroLow >= pairs / 10 && zeroLow >= 2 * zeroHigh) return 'utf-16be';
  return null;
}

/** Facts gathered over text that is not UTF-8, to choose between GB18030 and Windows-1252. */
export class LegacyTextFacts {
  private readonly gb = new TextDecoder('gb18030', { fatal: true });
  private gbValid = true;
  /** Two-byte GB sequences, and those of them in GB2312 (both bytes 0xA1–0xFE). */
  private gbPairs = 0;
  private gb2312Pairs = 0;
  private pendingLead = -1;
  /** Bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
  private latinUndefined = false;
  /**
   * Non-ASCII bytes, and those that read like Windows-1252 text: a letter beside a letter (é in Café,
   * ü in Müller), or a sign between ASCII bytes (€, – in "5 € – 6"). GB18030 text is mostly runs of them.
   */
  private high = 0;
  private latinLike = 0;
  private previousHigh = false;
  private waitingForAscii = false;
  private previousWasLetter = false;
  private waitingForLetter = false;
  /** Lines holding non-ASCII bytes, for the detector (up to 64 KiB); the first such line's number. */
  private readonly sample: Buffer[] = [];
  private sampleBytes = 0;
  private line = 1;
  /** The first line holding a non-ASCII byte: where a refusal points. */
  firstLine: number | null = null;

  /**
   * Takes the next chunk: decoded strictly as GB18030 whole (natively, fast), and its lines holding
   * non-ASCII bytes kept as the sample the byte statistics and the detector look at.
   */
  add(chunk: Buffer): void {
    if (this.gbValid) {
      try {
        this.gb.decode(chunk, { stream: true });
      } catch {
        this.gbValid = false;
      }
    }
    if (this.sampleBytes >= SAMPLE_BYTES) return;
    const text = chunk.toString('latin1'); // one character per byte, so indexes are byte offsets
    HIGH.lastIndex = 0;
    for (let match = HIGH.exec(text); match && this.sampleBytes < SAMPLE_BYTES; match = HIGH.exec(text)) {
      const start = text.lastIndexOf('\n', match.index) + 1;
      let end = text.indexOf('\n', match.index);
      end = end < 0 ? text.length : end + 1;
      if (this.firstLine === null) {
        for (let i = text.indexOf('\n'); i >= 0 && i < match.index; i = text.indexOf('\n', i + 1)) this.line += 1;
        this.firstLine = this.line;
      }
      this.sample.push(Buffer.from(chunk.subarray(start, end)));
      this.sampleBytes += end - start;
      HIGH.lastIndex = end;
    }
    if (this.firstLine === null) for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.line += 1;
  }

  /** Decides, or returns null when unsure. */
  decide(): { encoding: TextEncoding | null; guess: string | null } {
    if (this.gbValid) {
      try {
        this.gb.decode();
      } catch {
        this.gbValid = false;
      }
    }
    const sample = Buffer.concat(this.sample);
    for (const b of sample) {
      this.scanGb(b);
      this.scanLatin(b);
    }
    const votes = chardet.analyse(sample);
    const top = votes[0] ?? null;
    const guess = top && top.confidence > 10 ? `${top.name} (${top.confidence}%)` : null;
    const confidence = (names: string[]) => Math.max(0, ...votes.filter((v) => names.includes(v.name)).map((v) => v.confidence));
    const gbVote = confidence(['GB18030']);
    const otherCjk = confidence(['Big5', 'Shift_JIS', 'EUC-JP', 'EUC-KR']);
    if (this.gbValid && ((this.gbPairs > 0 && this.gb2312Pairs >= this.gbPairs * 0.8) || (top?.name === 'GB18030' && gbVote >= 50))) {
      // Big5 (traditional Chinese) also forms pairs of high bytes: trust a confident detector over the pairs.
      if (otherCjk >= 80 && otherCjk > gbVote) return { encoding: null, guess };
      return { encoding: 'gb18030', guess };
    }
    // Another encoding the detector prefers matters only if it reads these bytes differently (ISO-8859-9
    // differs from Windows-1252 in six letters, which a French file does not use).
    const latin = new TextDecoder('windows-1252').decode(sample);
    const readsAlike = (name: string) => {
      try {
        return new TextDecoder(name).decode(sample) === latin;
      } catch {
        return false; // an encoding TextDecoder does not know
      }
    };
    const latinVote = Math.max(0, ...votes.filter((v) => readsAlike(v.name)).map((v) => v.confidence));
    const rival = Math.max(0, ...votes.filter((v) => !readsAlike(v.name)).map((v) => v.confidence));
    const looksLatin = this.high > 0 && this.latinLike >= this.high * 0.8;
    if (!this.latinUndefined && looksLatin && latinVote >= 20 && latinVote >= rival) return { encoding: 'windows-1252', guess };
    return { encoding: null, guess };
  }

  private scanGb(b: number): void {
    if (this.pendingLead >= 0) {
      const lead = this.pendingLead;
      this.pendingLead = -1;
      if (b >= 0x30 && b <= 0x39) return; // a four-byte GB18030 sequence: counted as neither
      this.gbPairs += 1;
      if (lead >= 0xa1 && lead <= 0xfe && b >= 0xa1 && b <= 0xfe) this.gb2312Pairs += 1;
      return;
    }
    if (b >= 0x81 && b <= 0xfe) this.pendingLead = b;
  }

  private scanLatin(b: number): void {
    if (b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d) this.latinUndefined = true;
    const letter = isLatinLetter(b);
    const high = b >= 0x80;
    if (this.waitingForLetter) {
      this.waitingForLetter = false;
      if (letter) this.latinLike += 1;
    } else if (this.waitingForAscii) {
      this.waitingForAscii = false;
      if (!high) this.latinLike += 1;
    }
    if (high) {
      this.high += 1;
      if (letter && this.previousWasLetter) this.latinLike += 1;
      else if (letter)
        this.waitingForLetter = true; // Émile: the next byte decides
      else if (!this.previousHigh) this.waitingForAscii = true; // a sign standing alone
    }
    this.previousWasLetter = letter;
    this.previousHigh = high;
  }
}

/** A letter in Windows-1252: ASCII letters, À–ÿ but × and ÷, and Š Œ Ž š œ ž Ÿ. */
function isLatinLetter(b: number): boolean {
  if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) return true;
  if (b >= 0xc0) return b !== 0xd7 && b !== 0xf7;
  return b === 0x8a || b === 0x8c || b === 0x8e || b === 0x9a || b === 0x9c || b === 0x9e || b === 0x9f;
}
