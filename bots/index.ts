/**
 * The platforms configured in the environment, as adapters. A platform is on when its first variable is
 * set (FEISHU_APP_ID, DINGTALK_CLIENT_ID, TELEGRAM_BOT_TOKEN); a half-configured one stops the start with
 * an error naming the missing variable.
 */
import type { DbOrTx } from '../db/client.ts';
import { ConfigError } from '../src/config.ts';
import { childLogger, type Logger } from '../src/core/log.ts';
import { PollerLease, pollerLeaseName } from '../src/core/pollerLease.ts';
import type { CentreCallbacks } from '../src/http/centres.ts';
import type { PlatformSignIn } from '../src/http/platformSignIn.ts';
import type { ApprovalCentre } from '../src/services/approvalCentres.ts';
import type { PlatformAdapter } from './adapter.ts';
import { loadDingTalkConfig } from './dingtalk/config.ts';
import { loadFeishuConfig } from './feishu/config.ts';
import { loadFeishuCentreConfig } from './feishu/centreConfig.ts';
import { loadDingTalkCentreConfig } from './dingtalk/centreConfig.ts';
import { loadTelegramConfig } from './telegram/config.ts';

/**
 * `db` (the service's database) lets instances share what a platform allows once per bot: with it,
 * Telegram long polling is done by whichever instance holds the bot's poller lease.
 *
 * A platform's adapter, and with it its SDK, is imported only when the platform is configured: the three
 * SDKs took about a second and a half of `npm start` on a busy machine. Every configuration is read first,
 * so a bad one stops the start before any SDK loads.
 */
export async function enabledAdapters(env: NodeJS.ProcessEnv, log: Logger, db?: DbOrTx): Promise<PlatformAdapter[]> {
  const feishu = loadFeishuConfig(env);
  const dingtalk = loadDingTalkConfig(env);
  const telegram = loadTelegramConfig(env);
  const adapters: PlatformAdapter[] = [];
  if (feishu) {
    const { createFeishuAdapter } = await import('./feishu/index.ts');
    adapters.push(createFeishuAdapter(feishu, { log: childLogger(log, { component: 'feishu' }) }));
  }
  if (dingtalk) {
    const { createDingTalkAdapter } = await import('./dingtalk/index.ts');
    adapters.push(createDingTalkAdapter(dingtalk, { log: childLogger(log, { component: 'dingtalk' }) }));
  }
  if (telegram) {
    const { createTelegramAdapter } = await import('./telegram/index.ts');
    const lease = db && telegram.mode === 'polling' ? new PollerLease(db, pollerLeaseName('telegram', telegram.token)) : undefined;
    adapters.push(createTelegramAdapter(telegram, { log: childLogger(log, { component: 'telegram' }), ...(lease ? { lease } : {}) }));
  }
  return adapters;
}

/**
 * How each configured platform's web view signs its user in (the pages behind "Count on phone"): Telegram
 * by the bot token, Feishu by the app's credentials, DingTalk when DINGTALK_CORP_ID is set too.
 */
export async function enabledSignIns(env: NodeJS.ProcessEnv, log: Logger): Promise<PlatformSignIn[]> {
  const feishu = loadFeishuConfig(env);
  const dingtalk = loadDingTalkConfig(env);
  const telegram = loadTelegramConfig(env);
  const signIns: PlatformSignIn[] = [];
  if (telegram) signIns.push((await import('./telegram/signIn.ts')).telegramSignIn(telegram.token));
  if (feishu) signIns.push((await import('./feishu/signIn.ts')).feishuSignIn(feishu, childLogger(log, { component: 'feishu' })));
  if (dingtalk?.corpId) signIns.push((await import('./dingtalk/signIn.ts')).dingTalkSignIn({ ...dingtalk, corpId: dingtalk.corpId }));
  return signIns;
}

/**
 * The approval centres configured in the environment: Feishu's third-party approval when
 * FEISHU_APPROVAL_CODE is set (with the Feishu app), DingTalk's integrated tasks when
 * DINGTALK_CENTRE_PROCESS_CODE is set (with the DingTalk app). See README "Approval centres".
 */
export async function enabledCentres(env: NodeJS.ProcessEnv, log: Logger): Promise<(ApprovalCentre & CentreCallbacks)[]> {
  const feishu = loadFeishuConfig(env);
  const dingtalk = loadDingTalkConfig(env);
  const feishuCentre = loadFeishuCentreConfig(env);
  const dingtalkCentre = loadDingTalkCentreConfig(env, dingtalk);
  if (feishuCentre && !feishu) throw new ConfigError('invalid configuration: FEISHU_APP_ID: is required when FEISHU_APPROVAL_CODE is set');
  const centres: (ApprovalCentre & CentreCallbacks)[] = [];
  if (feishu && feishuCentre) {
    const { createFeishuCentre } = await import('./feishu/centre.ts');
    centres.push(createFeishuCentre(feishu, feishuCentre, childLogger(log, { component: 'feishu-centre' })));
  }
  if (dingtalk && dingtalkCentre) {
    const { createDingTalkCentre } = await import('./dingtalk/centre.ts');
    centres.push(createDingTalkCentre(dingtalk, dingtalkCentre));
  }
  return centres;
}
