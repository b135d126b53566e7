// The web app (网页应用) sign-in half of the fake: auth codes a test hands out as if `tt.requestAccess`
// had given them to the page, exchanged for a user_access_token (authen v1 oidc/access_token, authorised
// by the app_access_token) and read back as the user (authen v1 user_info). As on Feishu a code is good
// once, for 5 minutes, for the app that asked for it; anything else gets an authen error code (20003
// code not found or used, 20004 code expired — Feishu's authen error table, checked from memory, not a
// stored copy) in an HTTP 400 envelope.
import type { IncomingMessage } from 'node:http';
import { hex } from './events.ts';

/** How long Feishu keeps an auth code ("授权码的有效期为 5 分钟，且只能被使用一次"). */
export const AUTH_CODE_TTL_MS = 5 * 60_000;

export interface AuthCode {
  openId: string;
  name: string;
  appId: string;
  expiresAt: number;
  used: boolean;
}

export interface AuthenState {
  authCodes: Map<string, AuthCode>;
  /** user_access_token → whose it is. */
  userTokens: Map<string, { openId: string; name: string; expiresAt: number }>;
}

export const newAuthenState = (): AuthenState => ({ authCodes: new Map(), userTokens: new Map() });

/** Issues a code for `openId` as the JS SDK would in the page (for another app's id: a code we will refuse). */
export function issueAuthCode(s: AuthenState, appId: string, openId: string, name: string, ttlMs = AUTH_CODE_TTL_MS): string {
  const code = hex(16);
  s.authCodes.set(code, { openId, name, appId, expiresAt: Date.now() + ttlMs, used: false });
  return code;
}

type Fail = (status: number, code: number, msg: string) => Error;
const bearer = (req: IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');

/** POST /open-apis/authen/v1/oidc/access_token */
export function oidcAccessToken(s: AuthenState, appId: string, appToken: string, req: IncomingMessage, body: any, fail: Fail) {
  const token = bearer(req);
  if (!token) throw fail(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
  // The tenant_access_token is not accepted here: this call wants the app_access_token.
  if (token !== appToken) throw fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
  if (body?.grant_type !== 'authorization_code' || typeof body?.code !== 'string' || !body.code)
    throw fail(400, 20001, 'Invalid request. Please check request param');
  const code = s.authCodes.get(body.code);
  if (!code || code.used || code.appId !== appId)
    throw fail(400, 20003, 'The authorization code is not found. Please note that the authorization code can only be used once');
  if (code.expiresAt < Date.now()) throw fail(400, 20004, 'The authorization code has expired');
  code.used = true;
  const accessToken = `u-${hex(16)}`;
  s.userTokens.set(accessToken, { openId: code.openId, name: code.name, expiresAt: Date.now() + 6900_000 });
  return {
    code: 0,
    msg: 'success',
    data: {
      access_token: accessToken,
      refresh_token: `ur-${hex(16)}`,
      token_type: 'Bearer',
      expires_in: 6900,
      refresh_expires_in: 2591700,
      scope: '',
    },
  };
}

/** GET /open-apis/authen/v1/user_info */
export function userInfo(s: AuthenState, tenantKey: string, req: IncomingMessage, fail: Fail) {
  const user = s.userTokens.get(bearer(req));
  if (!user || user.expiresAt < Date.now())
    throw fail(400, 99991668, 'Invalid access token for authorization. Please make a request with token attached.');
  return {
    code: 0,
    msg: 'success',
    data: { name: user.name, en_name: user.name, avatar_url: '', open_id: user.openId, union_id: `on_${hex(16)}`, tenant_key: tenantKey },
  };
}
