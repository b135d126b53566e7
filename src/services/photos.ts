/**
 * Photo evidence (拍照留档): photos attached to a variance line, or to a location while counting, by anyone
 * with a role in the warehouse. A photo is stored once by its SHA-256 (in the database, so it works the
 * same on PGlite and Postgres and on every instance), with a thumbnail made by sharp; attaching it is an
 * audited event carrying that hash, so the audit trail names exactly which picture backed a line.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError, NotFoundError } from '../domain/errors.ts';
import { photoTexts } from '../domain/texts/photos.ts';
import { ROLES, type CommandContext } from '../domain/people.ts';
import { parseLineRef } from '../domain/stocktake.ts';
import { runCommand } from './commands.ts';
import { entityKeys, enqueueCardUpdates } from './outbox.ts';
import { requireRole } from './people.ts';
import { getStocktake } from './stocktakes.ts';

const MB = 1024 * 1024;
/** Photos larger than this are refused (a phone's JPEG is 2–6 MB). */
export const DEFAULT_MAX_PHOTO_BYTES = 15 * MB;
/** The thumbnail's longer side, in pixels: enough for a card or a list on a phone's screen. */
const THUMBNAIL_PX = 320;

/** Image types a browser shows, recognised by their first bytes (a file name or a Content-Type may lie). */
export function imageType(bytes: Uint8Array): string | null {
  const b = bytes;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp' && /^(avif|avis)$/.test(ascii(8, 12))) return 'image/avif';
  return null;
}

export interface PhotoInput {
  stocktake: string;
  /** SKU or SKU@LOCATION of a line; omit with `location` for a photo of a location while counting. */
  line?: string;
  location?: string;
  bytes: Uint8Array;
  /** Where it came from: api, console, telegram, feishu, dingtalk, cli. */
  source: string;
  maxBytes?: number;
}

export interface PhotoAdded {
  sha256: string;
  stocktake: string;
  sku: string | null;
  location: string;
  /** Photos the line (or location) now has. */
  photos: number;
  /** False when this photo was already attached there: nothing changed. */
  added: boolean;
}

/** Reads and checks an image, and makes its thumbnail: what the photo table stores. */
async function prepare(bytes: Uint8Array, maxBytes: number) {
  if (bytes.length === 0) throw new InvalidInputError(photoTexts.empty());
  if (bytes.length > maxBytes) {
    const mb = (n: number) => (n / MB).toFixed(1);
    throw new InvalidInputError(photoTexts.tooLarge(mb(bytes.length), mb(maxBytes)));
  }
  const mime = imageType(bytes);
  if (!mime) throw new InvalidInputError(photoTexts.notAPhoto());
  const { default: sharp } = await import('sharp');
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: 100_000_000 });
    const meta = await image.metadata();
    // Phones store the camera's orientation in EXIF: the thumbnail is turned upright.
    const thumbnail = await image
      .rotate()
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
    const upright = (meta.orientation ?? 1) >= 5;
    return {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      mime,
      width: (upright ? meta.height : meta.width) ?? 0,
      height: (upright ? meta.width : meta.height) ?? 0,
      thumbnail,
    };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(photoTexts.unreadable(mime));
  }
}

/**
 * Attaches a photo to a line of a stocktake (any state but cancelled), or to a location while counting.
 * The same photo attached twice to the same place is one attachment.
 */
export async function addPhoto(db: Db, ctx: CommandContext, input: PhotoInput): Promise<PhotoAdded> {
  const image = await prepare(input.bytes, input.maxBytes ?? DEFAULT_MAX_PHOTO_BYTES);
  const request = { stocktake: input.stocktake, line: input.line ?? null, location: input.location ?? null, sha256: image.sha256 };
  return runCommand(db, ctx, 'photo.add', request, async ({ tx, audit }) => {
    const st = await getStocktake(tx, input.stocktake);
    await requireRole(tx, ctx.actor, st.warehouseId, st.warehouseCode, ROLES, 'add a photo');
    if (st.status === 'cancelled') throw new NotAllowedError(photoTexts.stocktakeCancelled(st.code));
    let sku: string | null = null;
    let location: string;
    let lot = '';
    if (input.line) {
      const ref = parseLineRef(input.line);
      const lines = await queryRows<{ sku: string; location: string; lot: string }>(
        tx,
        sql`select sku, location, lot from stocktake_line where stocktake_id = ${st.id}::uuid and sku = ${ref.sku}
            ${ref.location === null ? sql`` : sql`and location = ${ref.location}`}
            ${ref.lot === null ? sql`` : sql`and lot = ${ref.lot}`} order by location, lot`,
      );
      if (lines.length === 0) throw new NotFoundError('line', input.line, photoTexts.lineNotFound(input.line, st.code));
      if (lines.length > 1)
        throw new InvalidInputError(
          photoTexts.lineAmbiguous(input.line, lines.length, st.code, `${ref.sku}@LOCATION${lines.some((l) => l.lot) ? '#LOT' : ''}`),
        );
      ({ sku, location, lot } = lines[0]!);
    } else {
      location = (input.location ?? '').trim();
      if (!location) throw new InvalidInputError(photoTexts.lineOrLocation());
    }
    await tx.execute(sql`insert into photo (sha256, mime, bytes, width, height, data, thumbnail)
      values (${image.sha256}, ${image.mime}, ${input.bytes.length}, ${image.width}, ${image.height}, ${Buffer.from(input.bytes)}, ${image.thumbnail})
      on conflict (sha256) do nothing`);
    const existing = await queryRows(
      tx,
      sql`select 1 as one from evidence_photo where stocktake_id = ${st.id}::uuid and sku is not distinct from ${sku}
          and location = ${location} and lot = ${lot} and photo_sha256 = ${image.sha256}`,
    );
    const added = existing.length === 0;
    if (added) {
      await tx.execute(sql`insert into evidence_photo (stocktake_id, sku, location, lot, photo_sha256, added_by, source)
        values (${st.id}::uuid, ${sku}, ${location}, ${lot}, ${image.sha256}, ${ctx.actor.personId}::uuid, ${input.source})`);
      audit.add({
        action: 'photo.added',
        entityType: sku === null ? 'location' : 'line',
        entityId: st.id,
        stocktakeId: st.id,
        ...(sku !== null ? { line: { sku, location, lot } } : {}),
        after: {
          sha256: image.sha256,
          bytes: input.bytes.length,
          mime: image.mime,
          sku,
          location,
          ...(lot ? { lot } : {}),
          source: input.source,
        },
      });
      if (sku !== null) await enqueueCardUpdates(tx, [entityKeys.line(st.id, sku, location, lot)]);
    }
    const [count] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from evidence_photo where stocktake_id = ${st.id}::uuid and sku is not distinct from ${sku} and location = ${location} and lot = ${lot}`,
    );
    return { sha256: image.sha256, stocktake: st.code, sku, location, photos: count!.n, added };
  });
}

export interface PhotoRef {
  sha256: string;
  sku: string | null;
  location: string;
  addedBy: string;
  source: string;
  addedAt: string;
  width: number;
  height: number;
  bytes: number;
}

/** The photos of a stocktake (or of one line), oldest first. */
export async function listPhotos(db: DbOrTx, stocktakeId: string, line?: { sku: string; location: string }): Promise<PhotoRef[]> {
  const rows = await queryRows<{
    sha256: string;
    sku: string | null;
    location: string;
    added_by: string;
    source: string;
    added_at: string;
    width: number;
    height: number;
    bytes: number;
  }>(
    db,
    sql`select e.photo_sha256 as sha256, e.sku, e.location, p.handle as added_by, e.source,
               to_char(e.added_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as added_at, ph.width, ph.height, ph.bytes
        from evidence_photo e join person p on p.id = e.added_by join photo ph on ph.sha256 = e.photo_sha256
        where e.stocktake_id = ${stocktakeId}::uuid ${line ? sql`and e.sku = ${line.sku} and e.location = ${line.location}` : sql``}
        order by e.added_at, e.id`,
  );
  return rows.map((r) => ({
    sha256: r.sha256,
    sku: r.sku,
    location: r.location,
    addedBy: r.added_by,
    source: r.source,
    addedAt: r.added_at,
    width: Number(r.width),
    height: Number(r.height),
    bytes: Number(r.bytes),
  }));
}

/**
 * A photo's bytes (or thumbnail) for someone who holds a role in a warehouse one of whose stocktakes has
 * it attached; anyone else is told it is not theirs to see (NotAllowed), and an unknown hash is not found.
 */
export async function readPhoto(
  db: DbOrTx,
  personId: string | null,
  sha256: string,
  variant: 'full' | 'thumbnail',
): Promise<{ mime: string; bytes: Buffer }> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new NotFoundError('photo', sha256, photoTexts.notFound(sha256));
  const [row] = await queryRows<{ mime: string; data: Uint8Array; allowed: boolean }>(
    db,
    sql`select ${variant === 'full' ? sql`p.mime, p.data` : sql`'image/jpeg' as mime, p.thumbnail as data`},
               ${
                 personId === null
                   ? sql`true`
                   : sql`exists (select 1 from evidence_photo e join stocktake s on s.id = e.stocktake_id
                          join role_grant g on g.warehouse_id = s.warehouse_id and g.person_id = ${personId}::uuid
                          where e.photo_sha256 = p.sha256)`
               } as allowed
        from photo p where p.sha256 = ${sha256}`,
  );
  if (!row) throw new NotFoundError('photo', sha256, photoTexts.notFound(sha256));
  if (!row.allowed) throw new NotAllowedError(photoTexts.mayNotSee());
  return { mime: row.mime, bytes: Buffer.from(row.data) };
}

/** The lines of a document that have photo evidence, with how many, in line-number order. */
export async function documentPhotos(
  db: DbOrTx,
  documentId: string,
): Promise<{ lineNo: number; sku: string; location: string; photos: number }[]> {
  const rows = await queryRows<{ line_no: number; sku: string; location: string; photos: number }>(
    db,
    sql`select dl.line_no, dl.sku, dl.location, count(*)::int as photos
        from document_line dl join adjustment_document d on d.id = dl.document_id
        join evidence_photo e on e.stocktake_id = d.stocktake_id and e.sku = dl.sku and e.location = dl.location and e.lot = dl.lot
        where dl.document_id = ${documentId}::uuid group by dl.line_no, dl.sku, dl.location order by dl.line_no`,
  );
  return rows.map((r) => ({ lineNo: Number(r.line_no), sku: r.sku, location: r.location, photos: Number(r.photos) }));
}
