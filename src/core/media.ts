/**
 * Uploaded media shared by instances (table platform_media): a chart a platform already has is referred to
 * by the id it gave (Telegram file_id, Feishu image_key, DingTalk media id) instead of being uploaded again,
 * whichever instance uploaded it. The first instance to need a chart claims its row and uploads; another
 * needing it meanwhile is told "not now" (a throttled DeliveryError, which the sender waits out without
 * counting an attempt) and then finds the id. A claim whose uploader died runs out after UPLOAD_CLAIM_MS.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import { DeliveryError, type MediaIds } from './delivery.ts';

/** The key media are remembered by: SHA-256 of the content as the card carries it (base64 PNG). */
export const mediaHash = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** How long an instance may take to upload a chart before another may try. */
const UPLOAD_CLAIM_MS = 60_000;
/** How soon a send waiting for another instance's upload looks again. */
const UPLOAD_WAIT_MS = 1_000;

/** Another instance is uploading this content right now: try again shortly (not a failure). */
export class MediaUploadingError extends DeliveryError {
  constructor() {
    super('the chart is being uploaded by another instance', { status: 429, retryAfterMs: UPLOAD_WAIT_MS });
  }
}

/** Media ids of one platform app, in the database. */
export function databaseMediaIds(db: DbOrTx, platform: string, app: string): MediaIds {
  return {
    async claim(contentHash) {
      const claimed = await queryRows(
        db,
        sql`insert into platform_media (platform, app, content_hash, uploading_until)
            values (${platform}, ${app}, ${contentHash}, now() + ${`${UPLOAD_CLAIM_MS} milliseconds`}::interval)
            on conflict (platform, app, content_hash) do update set uploading_until = excluded.uploading_until
            where platform_media.media_id is null and platform_media.uploading_until < now()
            returning 1 as one`,
      );
      if (claimed.length === 1) return null;
      const [row] = await queryRows<{ media_id: string | null }>(
        db,
        sql`select media_id from platform_media where platform = ${platform} and app = ${app} and content_hash = ${contentHash}`,
      );
      if (row?.media_id) return row.media_id;
      throw new MediaUploadingError();
    },
    async put(contentHash, mediaId) {
      await db.execute(sql`update platform_media set media_id = ${mediaId}, uploading_until = null
        where platform = ${platform} and app = ${app} and content_hash = ${contentHash} and media_id is null`);
    },
    async forget(contentHash) {
      await db.execute(
        sql`delete from platform_media where platform = ${platform} and app = ${app} and content_hash = ${contentHash} and media_id is null`,
      );
    },
  };
}

/** Media ids in this process only: for a deliverer used without the sender (adapter tests, scripts). */
export function memoryMediaIds(max = 500): MediaIds {
  const ids = new Map<string, string>();
  return {
    async claim(contentHash) {
      return ids.get(contentHash) ?? null;
    },
    async put(contentHash, mediaId) {
      if (ids.size >= max) ids.delete(ids.keys().next().value as string);
      ids.set(contentHash, mediaId);
    },
    async forget() {},
  };
}

/**
 * The platform's id for `content`: the remembered one, or the one `upload()` gives (remembered for every
 * instance). A failed upload gives the claim back so that the retry (here or elsewhere) uploads again.
 */
export async function uploadOnce(media: MediaIds, content: string | Buffer, upload: () => Promise<string>): Promise<string> {
  const hash = mediaHash(content);
  const known = await media.claim(hash);
  if (known) return known;
  let id: string;
  try {
    id = await upload();
  } catch (error) {
    await media.forget(hash).catch(() => {});
    throw error;
  }
  await media.put(hash, id);
  return id;
}
