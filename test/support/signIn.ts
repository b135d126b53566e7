/**
 * The HTTP app with every platform's sign-in (src/http/open.ts) against the fake Feishu and DingTalk
 * servers, on a public address, and carl linked on each platform. Telegram initData is signed here with
 * the bot token, as Telegram signs it.
 */
import { sign } from '@telegram-apps/init-data-node';
import { dingTalkSignIn } from '../../bots/dingtalk/signIn.ts';
import { feishuSignIn } from '../../bots/feishu/signIn.ts';
import { telegramSignIn } from '../../bots/telegram/signIn.ts';
import type { Db } from '../../db/client.ts';
import { silentLogger } from '../../src/core/log.ts';
import { mountOpen } from '../../src/http/open.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { addPerson } from '../../src/services/people.ts';
import type { FakeDingTalk } from '../fakes/dingtalk/index.ts';
import type { FakeFeishu } from '../fakes/feishu/types.ts';
import { testHttp } from './http.ts';

export const TELEGRAM_TOKEN = '123456789:AAHfakeTokenForTestsOnly_abcdefghijkl';
/** carl's accounts: Telegram user 4242, Feishu ou_carl, DingTalk carl01. */
export const CARL = { telegram: 4242, feishu: 'ou_carl', dingtalk: 'carl01' } as const;

export async function signInApp(db: Db, feishu: FakeFeishu, dingtalk: FakeDingTalk) {
  await addPerson(db, {
    handle: 'carl',
    identities: [`telegram:${CARL.telegram}`, `feishu:${CARL.feishu}`, `dingtalk:${CARL.dingtalk}`],
  });
  const signIns = [
    telegramSignIn(TELEGRAM_TOKEN),
    feishuSignIn(
      {
        appId: feishu.appId,
        appSecret: feishu.appSecret,
        domain: feishu.domain,
        mode: 'ws',
        httpHost: '127.0.0.1',
        httpPort: 0,
        httpPath: '/',
      },
      silentLogger,
    ),
    dingTalkSignIn({
      clientId: dingtalk.clientId,
      clientSecret: dingtalk.clientSecret,
      robotCode: dingtalk.robotCode,
      cardTemplateId: null,
      apiBase: dingtalk.apiBase,
      oapiBase: dingtalk.apiBase,
      gatewayUrl: undefined,
      corpId: dingtalk.corpId,
    }),
  ];
  return testHttp(db, [mountPages, mountOpen(signIns)], { localOnly: false });
}

/** Mini App initData for `user` as Telegram signs it (another bot's `token` to forge, `at` to age it). */
export const initData = (
  user: { id: number; first_name: string; username?: string },
  o: { token?: string; at?: Date; startParam?: string } = {},
): string =>
  sign(
    { user, query_id: 'AAH-test', chat_instance: '-1', chat_type: 'private', ...(o.startParam ? { start_param: o.startParam } : {}) },
    o.token ?? TELEGRAM_TOKEN,
    o.at ?? new Date(),
  );
