/**
 * Signing in as yourself from a chat platform's own web view (issue 13 §6): a Telegram Mini App, a Feishu
 * web app (网页应用), a DingTalk H5 micro-app. The page gets a proof from the platform's script (Telegram's
 * signed `initData`, a Feishu or DingTalk one-time auth code); the server checks it with the platform and
 * learns who the user is there. The platform parts live in bots/<platform>/signIn.ts; src/ only sees this
 * interface, so no platform SDK is imported here.
 */

/** The platforms whose web views can tell us who is looking. */
export const SIGN_IN_PLATFORMS = ['telegram', 'feishu', 'dingtalk'] as const;
export type SignInPlatform = (typeof SIGN_IN_PLATFORMS)[number];

/** Who the platform says the user is. */
export interface PlatformUser {
  /** The id person_identity keeps for this platform: Telegram user id, Feishu open_id, DingTalk userId. */
  externalId: string;
  /** A display name the platform gave, to show an unknown user who they are. */
  name?: string;
  /** Where the platform link asked to go (Telegram's `start_param` of a direct Mini App link). */
  next?: string;
}

/** One platform's half of the sign-in. */
export interface PlatformSignIn {
  platform: SignInPlatform;
  /**
   * The page's script for this platform (plain ES5, no user data in it): it gets the proof and calls
   * `window.stocktakeSend(proof)`, or calls `window.stocktakeNoPlatform()` when the page is not open inside
   * the platform. It may load the platform's JS SDK, but only where the platform serves it (never in tests).
   */
  script: string;
  /**
   * Checks a proof with the platform. Throws IdentityRefusedError for a forged, tampered, expired, used or
   * unknown proof; any other error means the platform could not be asked (the page says so, 502).
   */
  verify(proof: string): Promise<PlatformUser>;
}

/** The proof was not good: forged, tampered with, too old, already used or unknown to the platform. */
export class IdentityRefusedError extends Error {
  override readonly name = 'IdentityRefusedError';
  readonly code = 'IDENTITY_REFUSED';
  constructor(
    message: string,
    readonly reason: 'forged' | 'expired' | 'unknown_code' | 'missing',
  ) {
    super(message);
  }
}

/** A path on this server to go to after signing in; anything else (another site, `//host`, `/\host`) is '/'. */
export function sameOriginPath(next: string | undefined | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return '/';
  return next;
}

/**
 * A path as Telegram's `startapp` parameter of a direct Mini App link: at most 512 characters of
 * A-Z, a-z, 0-9, _ and - (https://core.telegram.org/bots/webapps#direct-link-mini-apps), so base64url.
 */
export function startParamOf(path: string): string {
  return Buffer.from(path, 'utf8').toString('base64url');
}

/** The path a `startapp` parameter carries; undefined when it is not one of ours. */
export function pathOfStartParam(param: string | undefined): string | undefined {
  if (!param || !/^[A-Za-z0-9_-]{1,512}$/.test(param)) return undefined;
  const path = Buffer.from(param, 'base64url').toString('utf8');
  return sameOriginPath(path) === path ? path : undefined;
}
