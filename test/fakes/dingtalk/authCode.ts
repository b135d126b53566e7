// The H5 micro-app sign-in half of the fake: 免登 codes a test hands out as if
// `dd.runtime.permission.requestAuthCode({corpId})` had given them to the page, exchanged with the app's
// access token at oapi topapi/v2/user/getuserinfo for the user's userid. As on DingTalk ("This
// authorization code is valid for 5 minutes and can be used only once") a code is good once, for five
// minutes, for the app that asked; otherwise errcode 40078 (不存在的临时授权码), HTTP 200 like all of oapi.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiState, Reply } from './openapi.ts';

export const DINGTALK_AUTH_CODE_TTL_MS = 5 * 60_000;

export interface AuthCode {
  userId: string;
  name: string;
  clientId: string;
  expiresAt: number;
  used: boolean;
}

export function issueDingTalkAuthCode(
  state: ApiState,
  userId: string,
  o: { name?: string; clientId?: string; ttlMs?: number } = {},
): string {
  const code = randomBytes(16).toString('hex');
  state.authCodes.set(code, {
    userId,
    name: o.name ?? userId,
    clientId: o.clientId ?? state.clientId,
    expiresAt: Date.now() + (o.ttlMs ?? DINGTALK_AUTH_CODE_TTL_MS),
    used: false,
  });
  return code;
}

const oapi = (json: Record<string, unknown>): Reply => ({
  status: 200,
  json: { request_id: randomUUID().replace(/-/g, '').slice(0, 12), ...json },
});

/** POST /topapi/v2/user/getuserinfo?access_token=… with {code}. */
export function getUserInfo(state: ApiState, query: URLSearchParams, body: any): Reply {
  const expiresAt = state.tokens.get(query.get('access_token') ?? '');
  if (expiresAt === undefined || expiresAt < Date.now()) return oapi({ errcode: 40014, errmsg: '不合法的access_token' });
  if (typeof body?.code !== 'string' || !body.code) return oapi({ errcode: 40035, errmsg: '缺少参数 code' });
  const code = state.authCodes.get(body.code);
  if (!code || code.used || code.clientId !== state.clientId || code.expiresAt < Date.now())
    return oapi({ errcode: 40078, errmsg: '不存在的临时授权码' });
  code.used = true;
  return oapi({
    errcode: 0,
    errmsg: 'ok',
    result: {
      userid: code.userId,
      name: code.name,
      unionid: `union-${code.userId}`,
      associated_unionid: '',
      device_id: 'fake-device',
      sys: false,
      sys_level: 0,
    },
  });
}
