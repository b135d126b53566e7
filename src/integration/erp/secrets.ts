import type { ErpKind } from './config.ts';
import { ErpError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The secret in the environment variable a connector's configuration names; the message names the variable, never a value. */
export function secretFrom(erp: ErpKind, env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ErpError(erp, `environment variable ${name} is not set (it holds the ${erp} credential)`, { retryable: false });
  return value;
}
