/**
 * Telegram settings from the environment. The bot is enabled by TELEGRAM_BOT_TOKEN alone (long polling,
 * no public URL needed); webhook mode needs a public HTTPS URL and a secret Telegram echoes back in a
 * header. Errors name the variable and never echo a value: the token is the bot's whole credential.
 */
import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';
import { render } from '../../src/domain/phrase.ts';
import { configTexts } from '../../src/domain/texts/bots.ts';

/** Parsed Telegram settings; see README, "Telegram". */
export interface TelegramConfig {
  token: string;
  /** Bot API base URL without a trailing slash (grammy refuses one); a local Bot API server or a test fake. */
  apiRoot: string;
  mode: 'polling' | 'webhook';
  /** Public HTTPS URL Telegram POSTs updates to (webhook mode). */
  webhookUrl?: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token; requests without it are refused. */
  webhookSecret?: string;
  /** Local port of the webhook HTTP server (behind the proxy that terminates TLS). */
  webhookPort: number;
  /** PUBLIC_URL: where "Count on phone" buttons open the counting page (a Mini App in private chats). */
  publicUrl?: string;
  /** The direct Mini App link made with @BotFather /newapp (https://t.me/<bot>/<app>): the button in groups. */
  miniAppUrl?: string;
}

const blankAsMissing = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const schema = z
  .object({
    TELEGRAM_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,}$/, 'must look like 123456789:AA… as given by @BotFather'),
    TELEGRAM_API_ROOT: z.preprocess(
      blankAsMissing,
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .default('https://api.telegram.org')
        .transform((u) => u.replace(/\/+$/, '')),
    ),
    TELEGRAM_MODE: z.preprocess(
      blankAsMissing,
      z.enum(['polling', 'webhook'], { error: 'must be "polling" or "webhook"' }).default('polling'),
    ),
    TELEGRAM_WEBHOOK_URL: z.preprocess(blankAsMissing, z.url({ protocol: /^https$/, error: 'must be a public https:// URL' }).optional()),
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
        .optional(),
    ),
    TELEGRAM_MINI_APP_URL: z.preprocess(
      blankAsMissing,
      z
        .string()
        .trim()
        .regex(
          /^https:\/\/t\.me\/[A-Za-z0-9_]{5,32}\/[A-Za-z0-9_]{3,30}$/,
          "must be the Mini App's direct link from @BotFather /newapp, e.g. https://t.me/stock_bot/count",
        )
        .optional(),
    ),
    TELEGRAM_WEBHOOK_PORT: z.preprocess(
      blankAsMissing,
      z.coerce
        .number({ error: 'must be a port number' })
        .int('must be a port number')
        .min(1, 'must be 1-65535')
        .max(65535, 'must be 1-65535')
        .default(8082),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_MODE !== 'webhook') return;
    if (!env.TELEGRAM_WEBHOOK_URL)
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_URL'], message: render(configTexts.requiredInWebhookMode(), 'en', 'cli') });
    if (!env.TELEGRAM_WEBHOOK_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: render(configTexts.requiredInWebhookMode(), 'en', 'cli'),
      });
  });

/**
 * Reads the Telegram settings; null when TELEGRAM_BOT_TOKEN is unset or empty (Telegram disabled).
 * Throws ConfigError naming each bad variable.
 */
export function loadTelegramConfig(env: NodeJS.ProcessEnv = process.env): TelegramConfig | null {
  if (!env.TELEGRAM_BOT_TOKEN?.trim()) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`invalid Telegram configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    mode: e.TELEGRAM_MODE,
    ...(e.TELEGRAM_MODE === 'webhook' ? { webhookUrl: e.TELEGRAM_WEBHOOK_URL!, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET! } : {}),
    webhookPort: e.TELEGRAM_WEBHOOK_PORT,
    ...(env.PUBLIC_URL?.trim() ? { publicUrl: env.PUBLIC_URL.trim() } : {}),
    ...(e.TELEGRAM_MINI_APP_URL ? { miniAppUrl: e.TELEGRAM_MINI_APP_URL } : {}),
  };
}
