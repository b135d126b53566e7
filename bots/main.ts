/**
 * `npm run bots`: runs the chat bots configured in the environment (see README, "Chat platforms"), with
 * the outbox sender, until SIGINT or SIGTERM.
 */
import { ConfigError, loadConfig } from '../src/config.ts';
import { jsonLogger } from '../src/core/log.ts';
import { startService } from '../src/main.ts';
import { enabledAdapters } from './index.ts';

const log = jsonLogger((process.env.STOCKTAKE_LOG_LEVEL as 'info' | undefined) ?? 'info');
try {
  const config = loadConfig();
  const adapters = enabledAdapters(process.env, log);
  if (adapters.length === 0) {
    throw new ConfigError('no chat platform is configured: set FEISHU_APP_ID, DINGTALK_CLIENT_ID or TELEGRAM_BOT_TOKEN (see README, "In the chats")');
  }
  const service = await startService(config, () => adapters, log);
  log('info', 'bots running', { platforms: adapters.map((a) => a.platform) });
  const shutdown = async (signal: string) => {
    log('info', 'stopping', { signal });
    await service.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log('error', error instanceof ConfigError ? error.message : 'could not start', { error });
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
