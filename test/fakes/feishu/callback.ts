import { createCipheriv, createHash, randomBytes } from 'node:crypto';

// HTTP callback mode: what Feishu POSTs to a developer server when an encrypt key is configured.
// Mirrors what the SDK checks (lib/index.js, AESCipher and RequestHandle.checkIsEventValidated):
//   key       = sha256(encryptKey)
//   encrypt   = base64(iv(16 bytes) || AES-256-CBC(PKCS#7)(JSON body))
//   signature = hex(sha256(timestamp + nonce + encryptKey + JSON.stringify(parsedBody)))
// The SDK signs JSON.stringify of the *parsed* body, not the raw bytes, so the body we send must
// be exactly JSON.stringify({encrypt}) (no whitespace) or the check fails.

export interface SignedCallback {
  /** The raw request body to POST (Content-Type application/json). */
  body: string;
  /** The same body, parsed: `{ encrypt }`. */
  json: { encrypt: string };
  headers: {
    'content-type': string;
    'x-lark-request-timestamp': string;
    'x-lark-request-nonce': string;
    'x-lark-signature': string;
  };
}

export function encryptForCallback(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/**
 * Encrypts and signs an event/callback body the way Feishu does. With `verificationToken`, a
 * schema 2.0 body gets `header.token` set to it (that is where Feishu puts the token; the SDK's
 * dispatcher does not check it, your own code may).
 */
export function signAndEncryptCallback(
  body: Record<string, unknown>,
  opts: { encryptKey: string; verificationToken?: string; timestamp?: string; nonce?: string },
): SignedCallback {
  let payload = body;
  const header = body.header;
  if (opts.verificationToken && header && typeof header === 'object') {
    payload = { ...body, header: { ...(header as Record<string, unknown>), token: opts.verificationToken } };
  }
  const json = { encrypt: encryptForCallback(JSON.stringify(payload), opts.encryptKey) };
  const raw = JSON.stringify(json);
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  const signature = createHash('sha256')
    .update(timestamp + nonce + opts.encryptKey + raw)
    .digest('hex');
  return {
    body: raw,
    json,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}
