/**
 * Removes secrets from text bound for logs and error output: passwords inside connection URLs, and the
 * values of environment variables whose names say they are secret. This is the one home of the rule: the
 * CLI's error output and every log line (src/core/log.ts) pass through it.
 */

/** Names of environment variables whose values are secret. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL/i;
/** `scheme://user:password@` anywhere in a text. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi;

/**
 * The secret values of an environment, as they may appear in text: verbatim, escaped inside a JSON string,
 * and (for a URL's password) both percent-encoded and decoded. Longest first, so a whole URL is hidden
 * before its parts.
 */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const found = new Set<string>();
  const add = (value: string) => {
    if (value.length < 6) return; // shorter values would hide ordinary words
    found.add(value);
    found.add(JSON.stringify(value).slice(1, -1));
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    add(value);
    const password = urlPassword(value);
    if (password) {
      add(password);
      add(safeDecode(password));
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** A text redactor for one environment: the secrets are collected once, not at every line. */
export function redactor(env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const secrets = secretValues(env);
  return (text) => {
    let out = text.replace(URL_PASSWORD, '$1***@');
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  };
}

export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return redactor(env)(text);
}

function urlPassword(value: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:([^@\s/]+)@/i.exec(value.trim());
  return match?.[1] ?? null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
