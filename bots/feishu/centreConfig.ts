/** Feishu approval centre settings (read without loading the SDK, like ./config.ts). */
import { ConfigError } from '../../src/config.ts';

export const FEISHU_CENTRE_PATH = '/centres/feishu';

export interface FeishuCentreConfig {
  approvalCode: string;
  callbackToken: string;
  callbackKey?: string;
  /** PUBLIC_URL: where Feishu calls back and where task links open the console. */
  publicUrl: string;
}

/**
 * FEISHU_APPROVAL_CODE turns the centre on; it needs FEISHU_APPROVAL_CALLBACK_TOKEN and PUBLIC_URL.
 * FEISHU_APPROVAL_CALLBACK_KEY (optional) makes Feishu encrypt its callbacks.
 */
export function loadFeishuCentreConfig(env: NodeJS.ProcessEnv): FeishuCentreConfig | null {
  const code = env.FEISHU_APPROVAL_CODE?.trim();
  if (!code) return null;
  const token = env.FEISHU_APPROVAL_CALLBACK_TOKEN?.trim();
  if (!token) throw new ConfigError('invalid configuration: FEISHU_APPROVAL_CALLBACK_TOKEN: is required when FEISHU_APPROVAL_CODE is set');
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '');
  if (!publicUrl || !/^https?:\/\//.test(publicUrl))
    throw new ConfigError('invalid configuration: PUBLIC_URL: is required (an http(s) URL) when FEISHU_APPROVAL_CODE is set');
  const key = env.FEISHU_APPROVAL_CALLBACK_KEY?.trim();
  return { approvalCode: code, callbackToken: token, publicUrl, ...(key ? { callbackKey: key } : {}) };
}
