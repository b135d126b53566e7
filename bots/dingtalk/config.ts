/**
 * DingTalk settings from the environment. The bot is on when DINGTALK_CLIENT_ID is set; everything else
 * follows from it. Values are never echoed in errors: DINGTALK_CLIENT_SECRET is the app's password.
 */
import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';
import { render } from '../../src/domain/phrase.ts';
import { configTexts } from '../../src/domain/texts/bots.ts';

/** The OpenAPI host the product's own calls (cards, robot messages, file downloads) use in production. */
export const DINGTALK_API_BASE = 'https://api.dingtalk.com';

/** The legacy OpenAPI host: media uploads live only there. */
export const DINGTALK_OAPI_BASE = 'https://oapi.dingtalk.com';

/** Unset and empty mean the same (an `.env` line like `DINGTALK_CARD_TEMPLATE_ID=`). */
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const httpUrl = (what: string) =>
  optional.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), `must be an http(s) URL of ${what}`);

const envSchema = z
  .object({
    DINGTALK_CLIENT_ID: optional,
    DINGTALK_CLIENT_SECRET: optional,
    DINGTALK_ROBOT_CODE: optional,
    DINGTALK_CARD_TEMPLATE_ID: optional,
    DINGTALK_API_BASE: httpUrl('the OpenAPI host'),
    DINGTALK_OAPI_BASE: httpUrl('the legacy OpenAPI host (media upload)'),
    DINGTALK_GATEWAY_URL: httpUrl('the stream gateway'),
    DINGTALK_CORP_ID: optional.refine(
      (v) => v === undefined || /^ding[0-9a-zA-Z]+$/.test(v),
      "must be the organisation's CorpId (ding… on the developer console's home page)",
    ),
  })
  .superRefine((env, ctx) => {
    // AppKey and AppSecret only work as a pair: name whichever one is missing.
    if (env.DINGTALK_CLIENT_ID && !env.DINGTALK_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['DINGTALK_CLIENT_SECRET'],
        message: render(configTexts.dingtalkSecretNeeded(), 'en', 'cli'),
      });
    }
    if (!env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['DINGTALK_CLIENT_ID'],
        message: render(configTexts.dingtalkIdNeeded(), 'en', 'cli'),
      });
    }
  });

/** What the DingTalk adapter needs, parsed and defaulted. */
export interface DingTalkConfig {
  /** AppKey (Client ID) of the enterprise-internal app. */
  clientId: string;
  /** AppSecret (Client Secret). */
  clientSecret: string;
  /** The robot's code; for an enterprise-internal app's robot it is the AppKey. */
  robotCode: string;
  /** The generic interactive-card template; null: fall back to ActionCard/markdown robot messages. */
  cardTemplateId: string | null;
  /** OpenAPI base without a trailing slash (https://api.dingtalk.com). */
  apiBase: string;
  /** The legacy OpenAPI (https://oapi.dingtalk.com), for media uploads (chart images); default: apiBase. */
  oapiBase?: string;
  /** Stream gateway (connections/open); undefined: the SDK's own. */
  gatewayUrl: string | undefined;
  /**
   * The organisation's CorpId: an H5 micro-app page needs it to ask for an auth code
   * (`dd.runtime.permission.requestAuthCode({corpId})`). Unset: the page is opened without signing in.
   */
  corpId?: string;
  /** PUBLIC_URL: the H5 micro-app's address, where "Count on phone" links open the counting page. */
  publicUrl?: string;
}

/**
 * Reads the DINGTALK_* variables: null when DingTalk is not configured (no DINGTALK_CLIENT_ID and no
 * secret), a ConfigError naming the variable when one is missing or malformed.
 */
export function loadDingTalkConfig(env: NodeJS.ProcessEnv = process.env): DingTalkConfig | null {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`invalid DingTalk configuration: ${problems}`);
  }
  const e = parsed.data;
  if (!e.DINGTALK_CLIENT_ID || !e.DINGTALK_CLIENT_SECRET) return null;
  return {
    clientId: e.DINGTALK_CLIENT_ID,
    clientSecret: e.DINGTALK_CLIENT_SECRET,
    robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
    cardTemplateId: e.DINGTALK_CARD_TEMPLATE_ID ?? null,
    apiBase: (e.DINGTALK_API_BASE ?? DINGTALK_API_BASE).replace(/\/+$/, ''),
    oapiBase: (e.DINGTALK_OAPI_BASE ?? DINGTALK_OAPI_BASE).replace(/\/+$/, ''),
    gatewayUrl: e.DINGTALK_GATEWAY_URL,
    ...(e.DINGTALK_CORP_ID ? { corpId: e.DINGTALK_CORP_ID } : {}),
    ...(env.PUBLIC_URL?.trim() ? { publicUrl: env.PUBLIC_URL.trim() } : {}),
  };
}
