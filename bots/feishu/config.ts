/**
 * Feishu / Lark settings from the environment. The adapter is on when FEISHU_APP_ID is set; a half-done
 * configuration is an error that names the variable and never echoes a value (secrets live here).
 */
import type { Domain } from '@larksuiteoapi/node-sdk';
import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';
import { render } from '../../src/domain/phrase.ts';
import { configTexts } from '../../src/domain/texts/bots.ts';

/** Parsed Feishu settings; `domain` is what the SDK's Client and WSClient take. */
export interface FeishuConfig {
  appId: string;
  appSecret: string;
  /** Domain.Feishu (open.feishu.cn), Domain.Lark (open.larksuite.com) or a base URL without a trailing slash. */
  domain: Domain | string;
  /** 'ws': the SDK's long connection, no public URL needed. 'http': Feishu POSTs events to our server. */
  mode: 'ws' | 'http';
  encryptKey?: string;
  verificationToken?: string;
  httpHost: string;
  httpPort: number;
  httpPath: string;
  /** PUBLIC_URL: the web app's address, where "Count on phone" buttons open the counting page. */
  publicUrl?: string;
}

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const schema = z
  .object({
    FEISHU_APP_ID: z.string().trim().min(1),
    FEISHU_APP_SECRET: z.string({ error: 'is required when FEISHU_APP_ID is set' }).trim().min(1, 'is required when FEISHU_APP_ID is set'),
    FEISHU_DOMAIN: z
      .string()
      .trim()
      .default('feishu')
      .refine(
        (v) => /^(feishu|lark)$/i.test(v) || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v),
        "must be 'feishu', 'lark' or a base URL such as https://open.feishu.cn",
      ),
    FEISHU_MODE: z.enum(['ws', 'http'], { error: "must be 'ws' or 'http'" }).default('ws'),
    FEISHU_ENCRYPT_KEY: optional,
    FEISHU_VERIFICATION_TOKEN: optional,
    FEISHU_HTTP_HOST: z.string().trim().min(1).default('0.0.0.0'),
    FEISHU_HTTP_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(8081),
    FEISHU_HTTP_PATH: z
      .string()
      .trim()
      .regex(/^\/\S*$/, "must start with '/'")
      .default('/feishu/events'),
  })
  .superRefine((env, ctx) => {
    // WSClient.start() silently does nothing for an app id of another shape, so say it here instead.
    if (env.FEISHU_MODE === 'ws' && !/^cli_[0-9a-fA-F]{16}$/.test(env.FEISHU_APP_ID)) {
      ctx.addIssue({
        code: 'custom',
        path: ['FEISHU_APP_ID'],
        message: render(configTexts.feishuAppId(), 'en', 'cli'),
      });
    }
    // Without either, anyone who finds the URL could post events as any user.
    if (env.FEISHU_MODE === 'http' && !env.FEISHU_ENCRYPT_KEY && !env.FEISHU_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['FEISHU_ENCRYPT_KEY'],
        message: render(configTexts.feishuHttpNeedsKey(), 'en', 'cli'),
      });
    }
  });

// The SDK's Domain enum values, written out so that reading the settings does not load the SDK (about a
// second of start-up when Feishu is off); the casts keep them tied to the SDK's type.
const FEISHU = 0 as Domain.Feishu;
const LARK = 1 as Domain.Lark;

function toDomain(value: string): Domain | string {
  if (/^feishu$/i.test(value)) return FEISHU;
  if (/^lark$/i.test(value)) return LARK;
  return value.replace(/\/+$/, ''); // the SDK appends /open-apis/... itself
}

/**
 * Reads the Feishu settings: null when FEISHU_APP_ID is unset (the adapter is off), a ConfigError naming
 * the variable when something is missing or malformed.
 */
export function loadFeishuConfig(env: NodeJS.ProcessEnv = process.env): FeishuConfig | null {
  if (!env.FEISHU_APP_ID?.trim()) {
    if (env.FEISHU_APP_SECRET?.trim())
      throw new ConfigError('invalid configuration: FEISHU_APP_ID: is required when FEISHU_APP_SECRET is set');
    return null;
  }
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Issue messages are ours or zod's generic ones; neither carries the input value.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET,
    domain: toDomain(e.FEISHU_DOMAIN),
    mode: e.FEISHU_MODE,
    ...(e.FEISHU_ENCRYPT_KEY ? { encryptKey: e.FEISHU_ENCRYPT_KEY } : {}),
    ...(e.FEISHU_VERIFICATION_TOKEN ? { verificationToken: e.FEISHU_VERIFICATION_TOKEN } : {}),
    httpHost: e.FEISHU_HTTP_HOST,
    httpPort: e.FEISHU_HTTP_PORT,
    httpPath: e.FEISHU_HTTP_PATH,
    ...(env.PUBLIC_URL?.trim() ? { publicUrl: env.PUBLIC_URL.trim() } : {}),
  };
}
