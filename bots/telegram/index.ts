/**
 * The Telegram adapter: grammy's Bot, fed by long polling (no public URL needed) or by a webhook (a local
 * HTTP server behind your TLS proxy), passes messages and taps to the core and delivers the outbox.
 *
 * Chats are handled concurrently and each chat in order: polling runs through @grammyjs/runner (grammY's
 * own bot.start() handles one update at a time, so a large import in one chat would freeze every other
 * chat's taps and commands), and `sequentialize` by chat keeps a chat's updates in the order they came, in
 * both modes (Telegram posts webhook updates over up to 40 connections at once).
 */
import { createServer, type Server } from 'node:http';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, webhookCallback, type Context, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { InboundHandler, PlatformAdapter } from '../adapter.ts';
import type { PlatformLimits } from '../../src/core/delivery.ts';
import type { ActionAnswer } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/log.ts';
import { runPollerElection, type PollerElection, type PollerLease } from '../../src/core/pollerLease.ts';
import type { TelegramConfig } from './config.ts';
import { callbackToEvent, fileDownloader, messageToEvent, type BotIdentity } from './inbound.ts';
import { createTelegramDeliverer, redactToken, TELEGRAM_LIMITS, TELEGRAM_TOAST_LIMIT } from './outbound.ts';

export { loadTelegramConfig, type TelegramConfig } from './config.ts';

/** What the adapter needs besides its configuration. */
export interface TelegramAdapterOptions {
  log: Logger;
  /** Overrides Telegram's pace (tests relax it; production keeps TELEGRAM_LIMITS). */
  limits?: Partial<PlatformLimits>;
  /** Installed on the Bot API client before the first call: spies, or pacing for an emulator. */
  transformers?: Transformer[];
  /** The bot's getMe answer when known; otherwise start() asks for it. */
  botInfo?: UserFromGetMe;
  /**
   * The poller lease shared by instances (bots/index.ts makes it from the database): in polling mode only
   * its holder polls, and another instance takes over when the holder stops renewing it. Without one,
   * this instance polls on its own (a single process, tests).
   */
  lease?: PollerLease;
}

/** Who receives this bot's updates, for health checks: see README, "Several instances". */
export interface TelegramPollerStatus {
  mode: 'polling' | 'webhook';
  /** This instance's getUpdates loop is running (webhook mode: the webhook server listens). */
  receiving: boolean;
  /** This instance's name in poller_lease (host:pid:random); null without a lease. */
  instance: string | null;
  /** The instance holding the poller lease, and whether its lease is live; null in webhook mode or without a lease. */
  poller: { holder: string; leaseUntil: string; live: boolean } | null;
}

/** The Telegram adapter, plus who polls (for /healthz). */
export interface TelegramAdapter extends PlatformAdapter {
  pollerStatus(): Promise<TelegramPollerStatus>;
  /** Resolves once every update received so far has been handled (stop() waits for it too). */
  settled(): Promise<void>;
}

/** Only what the core handles; Telegram then keeps other update kinds off the wire. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Telegram waits about a minute for a webhook answer; a slower import finishes after answering 200. */
const WEBHOOK_TIMEOUT_MS = 50_000;
/** Updates handled at once across chats (the runner's sink); a chat's own updates still go one by one. */
const CONCURRENT_UPDATES = 50;

/** The key that orders updates: a chat's messages and taps one after another, other chats meanwhile. */
const chatOf = (ctx: Context): string | undefined => (ctx.chat ? String(ctx.chat.id) : undefined);

/** Creates the adapter; nothing connects until start(). */
export function createTelegramAdapter(config: TelegramConfig, options: TelegramAdapterOptions): TelegramAdapter {
  const { log } = options;
  const { token } = config;
  const bot = new Bot(token, { client: { apiRoot: config.apiRoot }, ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  if (options.transformers?.length) bot.api.config.use(...options.transformers);
  const deliverer = createTelegramDeliverer(bot.api, token, { ...TELEGRAM_LIMITS, ...options.limits }, config);
  const download = fileDownloader((id) => bot.api.getFile(id), config.apiRoot, token);
  const safe = (error: unknown) => new Error(redactToken(error instanceof Error ? error.message : String(error), token));

  let handler: InboundHandler | null = null;
  let runner: RunnerHandle | null = null;
  let polling: Promise<void> | null = null;
  /** Updates being handled: stop() lets them finish, tests wait for them. */
  const inFlight = new Set<Promise<unknown>>();
  /** Why polling ended, when it did (another poller, a revoked token): /healthz says so. */
  let pollingStopped: string | null = null;
  let election: PollerElection | null = null;
  let server: Server | null = null;
  const identity = (): BotIdentity => ({ id: bot.botInfo.id, username: bot.botInfo.username });

  // First, so it counts an update from its arrival, including the time it waits behind its chat.
  bot.use(async (_ctx, next) => {
    const handling = next();
    inFlight.add(handling);
    try {
      await handling;
    } finally {
      inFlight.delete(handling);
    }
  });
  bot.use(sequentialize(chatOf));

  bot.on('message', async (ctx) => {
    const event = messageToEvent(ctx.message, identity(), download);
    if (event && handler) await handler(event);
  });

  bot.on('callback_query:data', async (ctx) => {
    const event = callbackToEvent(ctx.callbackQuery);
    let answer: ActionAnswer | null = null;
    try {
      if (event && handler) {
        // An input button always asks with a prompt; a pick may too (a cause that needs a note): either way
        // the prompt that follows mentions the person who tapped, and only their reply box opens.
        if (event.wantsInput || event.option !== undefined)
          deliverer.rememberInputTap(event.chatId, event.messageId!, { id: ctx.from.id, name: event.userName ?? String(ctx.from.id) });
        answer = await handler(event);
      }
    } finally {
      // Always answered, even after a failure: until then the user's client shows a spinner on the button.
      const text = answer?.toast.text;
      await ctx
        .answerCallbackQuery({
          ...(text ? { text: text.length > TELEGRAM_TOAST_LIMIT ? `${text.slice(0, TELEGRAM_TOAST_LIMIT - 1)}…` : text } : {}),
          ...(answer?.toast.kind === 'error' ? { show_alert: true } : {}),
        })
        .catch((error: unknown) => log('warn', 'telegram: could not answer a tap (answered already, or too late)', { error: safe(error) }));
    }
  });

  // A failing update is logged and skipped: an error must never end the polling loop.
  bot.catch((err) => log('error', 'telegram: update failed', { updateId: err.ctx.update.update_id, error: safe(err.error) }));

  async function startPolling(): Promise<void> {
    // bot.start() would do this: getUpdates is refused (409) while a webhook is set.
    await bot.api.deleteWebhook({ drop_pending_updates: false });
    const handle = run(bot, {
      runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: 30 }, silent: true },
      sink: { concurrency: CONCURRENT_UPDATES },
    });
    runner = handle;
    pollingStopped = null;
    // The runner gives up on 401 and 409 (and on other failures after retrying for hours).
    polling = (handle.task() ?? Promise.resolve()).catch((error: unknown) => {
      if (runner === handle) runner = null;
      // 409: another process polls with this token (or a deposed poller confirmed its offset); 401: the
      // token was revoked. With a lease the election gives it up and polls again (here or elsewhere).
      pollingStopped = `polling stopped: ${safe(error).message}`;
      if (election) {
        log('warn', 'telegram: polling stopped; the poller lease is given up and polling resumes', { error: safe(error) });
        election.lost();
      } else {
        log('error', 'telegram: polling stopped; run one polling instance per bot, or use TELEGRAM_MODE=webhook', {
          error: safe(error),
        });
      }
    });
  }

  async function stopPolling(): Promise<void> {
    const handle = runner;
    runner = null;
    if (handle?.isRunning())
      await handle.stop().catch((error: unknown) => log('warn', 'telegram: stopping the poll failed', { error: safe(error) }));
    await polling;
    polling = null;
    await settled();
  }

  /** Waits for the updates being handled, and for any that arrive meanwhile. */
  async function settled(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  async function startWebhook(): Promise<void> {
    const callback = webhookCallback(bot, 'http', {
      secretToken: config.webhookSecret,
      onTimeout: 'return',
      timeoutMilliseconds: WEBHOOK_TIMEOUT_MS,
    });
    server = createServer((req, res) => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      // A failure answers 500, so Telegram delivers the update again later (the core ignores repeats).
      callback(req, res).catch((error: unknown) => {
        log('error', 'telegram: webhook update failed', { error: safe(error) });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(config.webhookPort, () => resolve());
    });
    await bot.api.setWebhook(config.webhookUrl!, {
      secret_token: config.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
      drop_pending_updates: false,
    });
  }

  return {
    ...deliverer,
    capabilities: { cardInAnswer: false },
    health() {
      if (config.mode === 'webhook')
        return { connected: server?.listening ?? false, detail: server?.listening ? 'webhook listening' : 'webhook not listening' };
      const running = runner?.isRunning() ?? false;
      if (election && !running) {
        // Standing by is healthy while the lease holder polls: the bot's updates are being received.
        const seen = election.seen;
        if (seen?.live) return { connected: true, detail: `another instance polls (${seen.holder})` };
        return { connected: false, detail: 'nobody polls yet: waiting for the poller lease' };
      }
      return {
        connected: running,
        detail: running ? (election ? 'polling (holds the poller lease)' : 'polling') : (pollingStopped ?? 'not polling'),
      };
    },

    async start(next) {
      if (handler) throw new Error('the Telegram adapter is already started');
      handler = next;
      try {
        await bot.init();
        if (config.mode === 'webhook') await startWebhook();
        else if (options.lease) election = runPollerElection({ lease: options.lease, begin: startPolling, end: stopPolling, log });
        else await startPolling();
      } catch (error) {
        handler = null;
        await closeServer();
        throw safe(error);
      }
      const how = election ? 'polling by whichever instance holds the poller lease' : config.mode;
      log('info', 'telegram: receiving updates', { mode: config.mode, how, bot: bot.botInfo.username });
    },

    async stop() {
      const running = election;
      election = null;
      if (running) await running.stop();
      await stopPolling();
      // The webhook stays registered: Telegram keeps updates until the next start.
      await closeServer();
      // Updates already taken (confirmed to Telegram) are handled before the handler goes.
      await settled();
      handler = null;
    },

    settled,

    async pollerStatus() {
      if (config.mode === 'webhook') return { mode: 'webhook', receiving: server?.listening ?? false, instance: null, poller: null };
      const lease = options.lease;
      return {
        mode: 'polling',
        receiving: runner?.isRunning() ?? false,
        instance: lease?.instance ?? null,
        poller: lease ? await lease.holder() : null,
      };
    },
  };

  async function closeServer(): Promise<void> {
    const current = server;
    server = null;
    if (!current?.listening) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    current.closeAllConnections();
    await closed;
  }
}
