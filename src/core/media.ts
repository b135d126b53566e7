/**
 * Uploaded media shared by instances (table platform_media): a chart a platform already has is referred to
 * by the id it gave (Telegram file_id, Feishu image_key, DingTalk media id) instead of being uploaded again,
 * whichever instance uploaded it. Written once: two instances uploading the same chart at the same moment
 * both end up using the id stored first.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../db/client.ts';
import type { MediaIds } from './delivery.ts';

/** The key media are remembered by: SHA-256 of the content as the card carries it (base64 PNG). */
export const mediaHash = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** Media ids of one platform app, in the database. */
export function databaseMediaIds(db: DbOrTx, platform: string, app: string): MediaIds {
  return {
    async get(contentHash) {
      const [row] = await queryRows<{ media_id: string }>(
        db,
        sql`select media_id from platform_media where platform = ${platform} and app = ${app} and content_hash = ${contentHash}`,
      );
      return row?.media_id ?? null;
    },
    async put(contentHash, mediaId) {
      await db.execute(sql`insert into platform_media (platform, app, content_hash, media_id) values (${platform}, ${app}, ${contentHash}, ${mediaId})
        on conflict (platform, app, content_hash) do nothing`);
      return (await this.get(contentHash)) ?? mediaId;
    },
  };
}

/** Media ids in this process only: for a deliverer used without the sender (adapter tests, scripts). */
export function memoryMediaIds(max = 500): MediaIds {
  const ids = new Map<string, string>();
  return {
    async get(contentHash) {
      return ids.get(contentHash) ?? null;
    },
    async put(contentHash, mediaId) {
      const known = ids.get(contentHash);
      if (known) return known;
      if (ids.size >= max) ids.delete(ids.keys().next().value as string);
      ids.set(contentHash, mediaId);
      return mediaId;
    },
  };
}

/**
 * The id of `content` on the platform: the remembered one, or `upload()`'s, remembered for everyone.
 * A known id is reused as is; a platform that forgot it (deleted) refuses the send, and that refusal is
 * the row's reason like any other.
 */
export async function uploadOnce(media: MediaIds, content: string | Buffer, upload: () => Promise<string>): Promise<string> {
  const hash = mediaHash(content);
  const known = await media.get(hash);
  if (known) return known;
  return media.put(hash, await upload());
}
