/**
 * The Feishu web app (网页应用) half of signing in from the chat (src/http/platformSignIn.ts). Inside
 * Feishu the page asks the JS SDK for a one-time auth code (`tt.requestAccess`, or the older
 * `tt.requestAuthCode`); the server exchanges it for a user_access_token (authen v1 oidc access_token,
 * authorised by the app_access_token) and reads the user's open_id with it (authen v1 user_info).
 * https://open.feishu.cn/document/common-capabilities/sso/web-application-sso/web-app-overview
 */
import { Client, LoggerLevel, withUserAccessToken } from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/core/log.ts';
import { scriptValue } from '../../src/http/open.ts';
import { IdentityRefusedError, type PlatformSignIn, type PlatformUser } from '../../src/http/platformSignIn.ts';
import type { FeishuConfig } from './config.ts';
import { sdkLogger } from './index.ts';

/** Feishu's H5 JS SDK (h5sdk, `tt`), loaded only inside the Feishu / Lark client, which serves it. */
const H5SDK = 'https://lf1-cdn-tos.bytegoofy.com/goofy/lark/op/h5-js-sdk-1.5.26.js';

function pageScript(appId: string): string {
  return `(function(){
var appId=${scriptValue(appId)};
function ask(){var tt=window.tt;if(!tt){window.stocktakeNoPlatform();return;}
var done=function(r){window.stocktakeSend(r&&r.code);};var fail=function(){window.stocktakeFailed();};
if(tt.requestAccess){tt.requestAccess({appID:appId,scopeList:[],success:done,fail:fail});}
else if(tt.requestAuthCode){tt.requestAuthCode({appId:appId,success:done,fail:fail});}else{window.stocktakeNoPlatform();}}
function start(){if(window.h5sdk&&window.h5sdk.ready){window.h5sdk.ready(ask);}else{ask();}}
if(!window.tt&&/Lark|Feishu/i.test(navigator.userAgent)){window.stocktakeLoad(${scriptValue(H5SDK)},start);}else{start();}
})();`;
}

/** The axios error the SDK rethrows: Feishu's {code, msg} in `response.data`. */
interface HttpFailure {
  response?: { status: number; data?: { code?: number; msg?: string } };
}

/**
 * Feishu's answer to a code that is unknown, used, expired or another app's: the authen codes (20001–20099,
 * e.g. 20003 invalid code, 20004 expired). Everything else (no answer, 5xx, a bad app secret) means we
 * could not ask.
 */
function refusal(failure: unknown): IdentityRefusedError | null {
  const code = (failure as HttpFailure)?.response?.data?.code ?? (failure as { code?: unknown })?.code;
  if (typeof code === 'number' && code >= 20001 && code <= 20099)
    return new IdentityRefusedError(`Feishu refused the auth code (code ${code})`, 'unknown_code');
  return null;
}

async function exchange(client: Client, config: FeishuConfig, code: string): Promise<PlatformUser> {
  const app = await client.auth.appAccessToken.internal({ data: { app_id: config.appId, app_secret: config.appSecret } });
  const appToken = (app as { app_access_token?: string }).app_access_token;
  if (!appToken) throw new Error(`Feishu gave no app_access_token (code ${app.code})`);
  // oidc/access_token wants the app_access_token as its bearer; the SDK sends a given token instead of its
  // tenant token only through withUserAccessToken.
  const token = await client.authen.oidcAccessToken
    .create({ data: { grant_type: 'authorization_code', code } }, withUserAccessToken(appToken))
    .catch((e: unknown) => {
      throw refusal(e) ?? e;
    });
  if (token.code !== 0 || !token.data?.access_token) throw refusal(token) ?? new Error(`Feishu oidc access_token: code ${token.code}`);
  const info = await client.authen.userInfo.get({}, withUserAccessToken(token.data.access_token));
  const openId = info.data?.open_id;
  if (info.code !== 0 || !openId) throw new Error(`Feishu user_info gave no open_id (code ${info.code})`);
  return { externalId: openId, ...(info.data?.name ? { name: info.data.name } : {}) };
}

/** Feishu's sign-in for the HTTP app, with the app's own credentials. */
export function feishuSignIn(config: FeishuConfig, log: Logger): PlatformSignIn {
  const client = new Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: config.domain,
    logger: sdkLogger(log, [config.appSecret]),
    loggerLevel: LoggerLevel.info,
  });
  return {
    platform: 'feishu',
    script: pageScript(config.appId),
    verify: (code) => exchange(client, config, code),
  };
}
