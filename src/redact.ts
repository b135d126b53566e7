/**
 * Removes secrets from text bound for logs and error output: passwords inside connection URLs, and the
 * values of environment variables whose names say they are secret.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, '$1***@');
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 6 && /SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL/i.test(name)) out = out.split(value).join('***');
  }
  return out;
}
