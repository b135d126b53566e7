import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { enabledAdapters, enabledSignIns } from '../../bots/index.ts';
import { silentLogger } from '../../src/core/log.ts';
import { NPM_START_ARGS, ROOT } from '../support/product.ts';

describe('the platforms the environment turns on', () => {
  it('starts none without configuration, and one per configured platform', async () => {
    expect(await enabledAdapters({}, silentLogger)).toEqual([]);
    const adapters = await enabledAdapters(
      {
        TELEGRAM_BOT_TOKEN: '123456:AAtesttoken_0123456789abcdef',
        DINGTALK_CLIENT_ID: 'dingtestclient',
        DINGTALK_CLIENT_SECRET: 'a-dingtalk-secret',
        FEISHU_APP_ID: 'cli_0123456789abcdef',
        FEISHU_APP_SECRET: 'a-feishu-secret',
      },
      silentLogger,
    );
    expect(adapters.map((a) => a.platform).sort()).toEqual(['dingtalk', 'feishu', 'telegram']);
  });

  it('refuses a half-configured platform, naming the variable and never the secret', async () => {
    await expect(enabledAdapters({ FEISHU_APP_ID: 'cli_0123456789abcdef' }, silentLogger)).rejects.toThrow(/FEISHU_APP_SECRET/);
    let message = '';
    try {
      await enabledAdapters({ DINGTALK_CLIENT_SECRET: 'top-secret-value' }, silentLogger);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('top-secret-value');
  });

  it('signs people in from each platform whose credentials are set, DingTalk only with its CorpId', async () => {
    const env = {
      TELEGRAM_BOT_TOKEN: '123456:AAtesttoken_0123456789abcdef',
      DINGTALK_CLIENT_ID: 'dingtestclient',
      DINGTALK_CLIENT_SECRET: 'a-dingtalk-secret',
      FEISHU_APP_ID: 'cli_0123456789abcdef',
      FEISHU_APP_SECRET: 'a-feishu-secret',
    };
    expect((await enabledSignIns(env, silentLogger)).map((s) => s.platform)).toEqual(['telegram', 'feishu']);
    const all = await enabledSignIns({ ...env, DINGTALK_CORP_ID: 'dingcorp0123' }, silentLogger);
    expect(all.map((s) => s.platform)).toEqual(['telegram', 'feishu', 'dingtalk']);
    await expect(enabledSignIns({ ...env, DINGTALK_CORP_ID: 'corp-1' }, silentLogger)).rejects.toThrow(/DINGTALK_CORP_ID/);
    await expect(enabledSignIns({ ...env, TELEGRAM_MINI_APP_URL: 'https://example.com/app' }, silentLogger)).rejects.toThrow(
      /TELEGRAM_MINI_APP_URL.*@BotFather/,
    );
  });

  it('npm start refuses a malformed setting, naming it', async () => {
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH, PORT: 'eighty' } as NodeJS.ProcessEnv;
    const result = await run(process.execPath, NPM_START_ARGS, { env, cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toContain('PORT');
  });
});
