/**
 * `npm start`: the console, the dashboard, the REST API and every chat platform configured in the
 * environment (see README), until SIGINT or SIGTERM.
 */
import { ConfigError, loadConfig } from '../src/config.ts';
import { createLogger, LOG_LEVELS } from '../src/core/log.ts';
import { guardStrayRejections } from '../src/core/strayRejections.ts';
import { startServer } from './server.ts';

// Read before the configuration, so that a configuration error is logged too (loadConfig names a bad level).
const log = createLogger({ level: LOG_LEVELS.find((l) => l === process.env.STOCKTAKE_LOG_LEVEL) ?? 'info' });
// A database outage must not end the process through a driver promise nobody holds (see strayRejections.ts).
guardStrayRejections(log);
try {
  const config = loadConfig();
  const running = await startServer(config, process.env, log);
  const platforms = running.service.platforms.filter((p) => p !== 'web');
  process.stdout.write(
    [
      `Stocktake assistant is running: open ${running.url}`,
      `  database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.STOCKTAKE_DATA_DIR}`}`,
      `  chat platforms: ${platforms.length ? platforms.join(', ') : 'none configured (the web console only; see README to connect Feishu, DingTalk or Telegram)'}`,
      running.localOnly
        ? '  access: this machine only; pick who you are in the console'
        : `  access: sign-in required (links from: npx stocktake access login <person> --base-url <public URL>)`,
      '',
    ].join('\n'),
  );
  log('info', 'server started', { url: running.url, database: config.DATABASE_URL ? 'postgres' : `pglite:${config.STOCKTAKE_DATA_DIR}` });
  const shutdown = async (signal: string) => {
    log('info', 'stopping', { signal });
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  log('error', error instanceof ConfigError ? error.message : 'could not start', { error });
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
