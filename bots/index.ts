/**
 * The platforms configured in the environment, as adapters. A platform is on when its first variable is
 * set (FEISHU_APP_ID, DINGTALK_CLIENT_ID, TELEGRAM_BOT_TOKEN); a half-configured one stops the start with
 * an error naming the missing variable.
 */
import type { DbOrTx } from '../db/client.ts';
import { childLogger, type Logger } from '../src/core/log.ts';
import { PollerLease, pollerLeaseName } from '../src/core/pollerLease.ts';
import type { PlatformAdapter } from './adapter.ts';
import { createDingTalkAdapter, loadDingTalkConfig } from './dingtalk/index.ts';
import { createFeishuAdapter, loadFeishuConfig } from './feishu/index.ts';
import { createTelegramAdapter, loadTelegramConfig } from './telegram/index.ts';

/**
 * `db` (the service's database) lets instances share what a platform allows once per bot: with it,
 * Telegram long polling is done by whichever instance holds the bot's poller lease.
 */
export function enabledAdapters(env: NodeJS.ProcessEnv, log: Logger, db?: DbOrTx): PlatformAdapter[] {
  const adapters: PlatformAdapter[] = [];
  const feishu = loadFeishuConfig(env);
  if (feishu) adapters.push(createFeishuAdapter(feishu, { log: childLogger(log, { component: 'feishu' }) }));
  const dingtalk = loadDingTalkConfig(env);
  if (dingtalk) adapters.push(createDingTalkAdapter(dingtalk, { log: childLogger(log, { component: 'dingtalk' }) }));
  const telegram = loadTelegramConfig(env);
  if (telegram) {
    const lease = db && telegram.mode === 'polling' ? new PollerLease(db, pollerLeaseName('telegram', telegram.token)) : undefined;
    adapters.push(createTelegramAdapter(telegram, { log: childLogger(log, { component: 'telegram' }), ...(lease ? { lease } : {}) }));
  }
  return adapters;
}
