/** DingTalk approval centre settings (DINGTALK_CENTRE_*). */
import { ConfigError } from '../../src/config.ts';
import type { DingTalkConfig } from './config.ts';

export const DINGTALK_CENTRE_PATH = '/centres/dingtalk';
/** The header DingTalk's data source (数据源) is configured to send our callback token in. */
export const DINGTALK_CENTRE_TOKEN_HEADER = 'x-stocktake-centre-token';

export interface DingTalkCentreConfig {
  /** The integrated process's code (SaveProcess, or the OA admin console). */
  processCode: string;
  /** PUBLIC_URL: where task links open the console. */
  publicUrl: string;
  /** Quick Approve/Refuse buttons through a data source; without one a task opens our page only. */
  shortcut?: { apiKey: string; corpId: string; callbackToken: string };
  /** Who starts an instance when the submitter has no DingTalk account (a staff userId). */
  originatorUserId?: string;
}

export function loadDingTalkCentreConfig(env: NodeJS.ProcessEnv, dingtalk: DingTalkConfig | null): DingTalkCentreConfig | null {
  const processCode = env.DINGTALK_CENTRE_PROCESS_CODE?.trim();
  if (!processCode) return null;
  if (!dingtalk) throw new ConfigError('invalid configuration: DINGTALK_CLIENT_ID: is required when DINGTALK_CENTRE_PROCESS_CODE is set');
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '');
  if (!publicUrl || !/^https?:\/\//.test(publicUrl))
    throw new ConfigError('invalid configuration: PUBLIC_URL: is required (an http(s) URL) when DINGTALK_CENTRE_PROCESS_CODE is set');
  const apiKey = env.DINGTALK_CENTRE_API_KEY?.trim();
  const token = env.DINGTALK_CENTRE_CALLBACK_TOKEN?.trim();
  if (apiKey && !token)
    throw new ConfigError('invalid configuration: DINGTALK_CENTRE_CALLBACK_TOKEN: is required when DINGTALK_CENTRE_API_KEY is set');
  if (apiKey && !dingtalk.corpId)
    throw new ConfigError('invalid configuration: DINGTALK_CORP_ID: is required when DINGTALK_CENTRE_API_KEY is set');
  const originator = env.DINGTALK_CENTRE_ORIGINATOR?.trim();
  return {
    processCode,
    publicUrl,
    ...(apiKey && token && dingtalk.corpId ? { shortcut: { apiKey, corpId: dingtalk.corpId, callbackToken: token } } : {}),
    ...(originator ? { originatorUserId: originator } : {}),
  };
}
