/**
 * The DingTalk H5 micro-app (H5 微应用) half of signing in from the chat (src/http/platformSignIn.ts).
 * Inside DingTalk the page asks `dd.runtime.permission.requestAuthCode({corpId})` for a 免登 code (valid
 * 5 minutes, once); the server exchanges it with the app's access token for the user's userId
 * (oapi topapi/v2/user/getuserinfo: https://open.dingtalk.com/document/orgapp/obtain-the-userid-of-a-user-by-using-the-log-free).
 */
import { scriptValue } from '../../src/http/open.ts';
import { IdentityRefusedError, type PlatformSignIn, type PlatformUser } from '../../src/http/platformSignIn.ts';
import type { DingTalkConfig } from './config.ts';
import { DingTalkApi } from './outbound.ts';

/** DingTalk's JSAPI, loaded only inside the DingTalk client (its user agent says DingTalk). */
const JSAPI = 'https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js';

function pageScript(corpId: string): string {
  return `(function(){
var corpId=${scriptValue(corpId)};
function start(){var dd=window.dd;if(!dd||!dd.runtime||!dd.runtime.permission){window.stocktakeNoPlatform();return;}
var ask=function(){dd.runtime.permission.requestAuthCode({corpId:corpId,onSuccess:function(r){window.stocktakeSend(r&&r.code);},onFail:function(){window.stocktakeFailed();}});};
if(dd.ready){dd.ready(ask);}else{ask();}}
if(!window.dd&&/DingTalk/i.test(navigator.userAgent)){window.stocktakeLoad(${scriptValue(JSAPI)},start);}else{start();}
})();`;
}

/**
 * getuserinfo's answers for a code that is not good: 40078 不存在的临时授权码 (unknown, used or expired).
 * Anything else non-zero (a bad token, a missing permission) means we could not ask.
 */
const BAD_CODE = new Set([40078]);
/** The token was revoked or expired early: fetch a fresh one once. */
const BAD_TOKEN = new Set([40014, 42001]);

interface GetUserInfo {
  errcode?: number;
  errmsg?: string;
  result?: { userid?: string; name?: string };
}

async function exchange(api: DingTalkApi, base: string, code: string): Promise<PlatformUser> {
  for (let attempt = 0; ; attempt++) {
    const token = await api.accessToken();
    const res = await fetch(`${base}/topapi/v2/user/getuserinfo?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      signal: AbortSignal.timeout(15_000),
    });
    const data = (await res.json().catch(() => null)) as GetUserInfo | null;
    if (!res.ok || !data) throw new Error(`DingTalk getuserinfo: HTTP ${res.status}`);
    if (data.errcode === 0 && data.result?.userid)
      return { externalId: data.result.userid, ...(data.result.name ? { name: data.result.name } : {}) };
    if (data.errcode !== undefined && BAD_CODE.has(data.errcode))
      throw new IdentityRefusedError(`DingTalk refused the auth code (errcode ${data.errcode})`, 'unknown_code');
    if (data.errcode !== undefined && BAD_TOKEN.has(data.errcode) && attempt === 0) {
      api.forgetToken();
      continue;
    }
    throw new Error(`DingTalk getuserinfo: errcode ${data.errcode}: ${data.errmsg ?? ''}`);
  }
}

/** DingTalk's sign-in for the HTTP app; needs the CorpId the page asks for a code with. */
export function dingTalkSignIn(config: DingTalkConfig & { corpId: string }): PlatformSignIn {
  const api = new DingTalkApi(config);
  const base = config.oapiBase ?? config.apiBase;
  return {
    platform: 'dingtalk',
    script: pageScript(config.corpId),
    verify: (code) => exchange(api, base, code),
  };
}
