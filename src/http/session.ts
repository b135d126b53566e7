/**
 * Browser sessions: a cookie holding `<personId>.<expiry>.<hmac>`, signed with the installation's action
 * secret, so any instance sharing the database accepts it and nothing is stored per session.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'stocktake_session';
const DAY = 24 * 3600_000;

export class SessionSigner {
  constructor(private readonly secret: Buffer) {}

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`session:${body}`).digest('base64url');
  }

  issue(personId: string, now = Date.now(), ttlMs = 7 * DAY): string {
    const body = `${personId}.${now + ttlMs}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The person id of a valid, unexpired cookie value; null otherwise. */
  verify(value: string | undefined, now = Date.now()): string | null {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 3) return null;
    const [personId, expiry, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${personId}.${expiry}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return Number(expiry) > now ? personId : null;
  }
}
