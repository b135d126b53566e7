import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { enabledAdapters } from '../../bots/index.ts';
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

  it('npm start refuses a malformed setting, naming it', async () => {
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH, PORT: 'eighty' } as NodeJS.ProcessEnv;
    const result = await run(process.execPath, NPM_START_ARGS, { env, cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toContain('PORT');
  });
});
