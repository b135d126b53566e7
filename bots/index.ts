/**
 * The platforms configured in the environment, as adapters. A platform is on when its first variable is
 * set (FEISHU_APP_ID, DINGTALK_CLIENT_ID, TELEGRAM_BOT_TOKEN); a half-configured one stops the start with
 * an error naming the missing variable.
 */
import { childLogger, type Logger } from '../src/core/log.ts';
import type { PlatformAdapter } from './adapter.ts';
import { createDingTalkAdapter, loadDingTalkConfig } from './dingtalk/index.ts';
import { createFeishuAdapter, loadFeishuConfig } from './feishu/index.ts';
import { createTelegramAdapter, loadTelegramConfig } from './telegram/index.ts';

export function enabledAdapters(env: NodeJS.ProcessEnv, log: Logger): PlatformAdapter[] {
  const adapters: PlatformAdapter[] = [];
  const feishu = loadFeishuConfig(env);
  if (feishu) adapters.push(createFeishuAdapter(feishu, { log: childLogger(log, { component: 'feishu' }) }));
  const dingtalk = loadDingTalkConfig(env);
  if (dingtalk) adapters.push(createDingTalkAdapter(dingtalk, { log: childLogger(log, { component: 'dingtalk' }) }));
  const telegram = loadTelegramConfig(env);
  if (telegram) adapters.push(createTelegramAdapter(telegram, { log: childLogger(log, { component: 'telegram' }) }));
  return adapters;
}
