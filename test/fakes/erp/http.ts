/** A small HTTP server on 127.0.0.1 for the ERP fakes: JSON in, JSON out, every request recorded. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  text: string;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body: unknown;
}

export interface FakeServer {
  url: string;
  /** Every request, oldest first. */
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handle: (req: FakeRequest) => FakeReply | Promise<FakeReply>): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body,
      text,
    };
    requests.push(request);
    let reply: FakeReply;
    try {
      reply = await handle(request);
    } catch (error) {
      reply = { status: 500, body: { error: String(error) } };
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...(reply.headers ?? {}) });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A decimal string or number as a number, or NaN (the fakes only compare quantities). */
export const num = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
