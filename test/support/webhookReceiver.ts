/**
 * A fake webhook receiver on 127.0.0.1 (a free port) that verifies every request as a Standard Webhooks
 * consumer does, with the `standardwebhooks` package's Webhook.verify over the raw body (which also
 * rejects a timestamp more than 5 minutes off). Answers are scripted per request (default 200).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed envelope, when the signature verified with one of the receiver's secrets. */
  verified: { id: string; type: string; data: unknown } | null;
  /** Which of the secrets verified it (index into `secrets`), or null. */
  verifiedWith: number | null;
  /** What the receiver answered. */
  status: number;
}

export interface FakeReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Secrets the receiver accepts (set after the subscription is created). */
  secrets: string[];
  /** Statuses to answer with, in order; when empty, 200. */
  script: number[];
  /** Verified, answered 2xx: what a receiver would have processed. */
  accepted(): ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<FakeReceiver> {
  const received: ReceivedWebhook[] = [];
  const state = { secrets: [] as string[], script: [] as number[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: ReceivedWebhook['verified'] = null;
      let verifiedWith: number | null = null;
      state.secrets.forEach((secret, i) => {
        if (verified) return;
        try {
          verified = new Webhook(secret).verify(body, req.headers as Record<string, string>) as ReceivedWebhook['verified'];
          verifiedWith = i;
        } catch {}
      });
      const status = verified ? (state.script.shift() ?? 200) : 401;
      received.push({ headers: req.headers, body, verified, verifiedWith, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/stocktake`,
    received,
    get secrets() {
      return state.secrets;
    },
    set secrets(v: string[]) {
      state.secrets = v;
    },
    get script() {
      return state.script;
    },
    set script(v: number[]) {
      state.script = v;
    },
    accepted: () => received.filter((r) => r.verified && r.status < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
