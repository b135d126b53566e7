// The stream half of the fake: tickets from /v1.0/gateway/connections/open, the /connect websocket,
// pushing CALLBACK frames, collecting acks, and re-pushing what was not acked.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { frame, newMessageId, type AckFrame, type StreamFrame, type Subscription } from './payloads.ts';

export interface StreamOptions {
  appId: string;
  /** Delay before an unacked CALLBACK is pushed again (real platform: up to ~60 s). */
  redeliveryDelayMs: number;
  /** Re-pushes after the first push; 0 disables redelivery. */
  maxRedeliveries: number;
  /** Real tickets are valid 90 s and good for one connection. */
  ticketTtlMs: number;
  /** Silence between a SYSTEM disconnect and closing the socket (real platform: 10 s). */
  disconnectGraceMs: number;
}

export interface AckRecord {
  code: number;
  message: string;
  /** The ack's data, JSON-parsed (the SDK sends JSON.stringify({response: result}) for callbacks). */
  data: unknown;
  raw: AckFrame;
  at: number;
}

interface Connection {
  id: string;
  ws: WebSocket;
  subscriptions: Subscription[];
  openedAt: number;
}

interface Pending {
  frame: StreamFrame;
  pushes: number;
  acks: AckRecord[];
  timer?: NodeJS.Timeout;
  waiters: Set<(ack: AckRecord) => void>;
}

export interface FrameLogEntry {
  direction: 'down' | 'up';
  connectionId: string;
  frame: unknown;
  at: number;
}

export class StreamGateway {
  readonly frames: FrameLogEntry[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { subscriptions: Subscription[]; expiresAt: number }>();
  private readonly connections: Connection[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: StreamOptions) {}

  issueTicket(subscriptions: Subscription[]): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { subscriptions, expiresAt: Date.now() + this.options.ticketTtlMs });
    return ticket;
  }

  /** Wired to the HTTP server's 'upgrade' event. A missing, used or expired ticket is refused with 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ticket = url.searchParams.get('ticket') ?? '';
    const grant = this.tickets.get(ticket);
    if (url.pathname !== '/connect' || !grant || grant.expiresAt < Date.now() || this.closed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.tickets.delete(ticket);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = { id: randomUUID().replace(/-/g, ''), ws, subscriptions: grant.subscriptions, openedAt: Date.now() };
      this.connections.push(conn);
      ws.on('message', (raw) => this.onUpstream(conn, raw));
      ws.on('close', () => {
        const i = this.connections.indexOf(conn);
        if (i >= 0) this.connections.splice(i, 1);
      });
      ws.on('error', () => {});
    });
  }

  connectionCount(): number {
    return this.connections.length;
  }

  /** Subscriptions of the newest connection (what the client sent to connections/open). */
  subscriptions(): Subscription[] {
    return this.connections.at(-1)?.subscriptions ?? [];
  }

  /** The real platform picks one subscribed connection at random; the newest keeps tests deterministic. */
  private connectionFor(topic: string): Connection | undefined {
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const conn = this.connections[i]!;
      if (conn.ws.readyState === conn.ws.OPEN && conn.subscriptions.some((s) => s.type === 'CALLBACK' && s.topic === topic)) return conn;
    }
    return undefined;
  }

  async waitForSubscriber(topic: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connectionFor(topic)) {
      if (Date.now() > deadline) {
        throw new Error(
          `fake DingTalk: no open stream connection subscribed to CALLBACK ${topic} ` +
            `(connections: ${this.connections.length}; register the listener before connect())`,
        );
      }
      await sleep(10);
    }
  }

  /** Push a CALLBACK frame; it is re-pushed with the same messageId until acked or out of redeliveries. */
  pushCallback(topic: string, payload: unknown, messageId = newMessageId()): string {
    const previous = this.pending.get(messageId);
    if (previous?.timer) clearTimeout(previous.timer);
    const pending: Pending = {
      frame: frame('CALLBACK', topic, payload, { appId: this.options.appId, messageId }),
      pushes: 0,
      acks: [],
      waiters: new Set(),
    };
    this.pending.set(messageId, pending);
    this.deliver(pending);
    return messageId;
  }

  /** Re-push now, whatever the ack state (a manual redelivery, e.g. to test idempotency). */
  redeliver(messageId: string): void {
    const pending = this.pending.get(messageId);
    if (!pending) throw new Error(`fake DingTalk: no pushed frame with messageId ${messageId}`);
    this.deliver(pending);
  }

  /** Resolves with the next ack for messageId (one arriving after this call), or undefined after timeoutMs. */
  nextAck(messageId: string, timeoutMs: number): Promise<AckRecord | undefined> {
    const pending = this.pending.get(messageId);
    if (!pending) return Promise.reject(new Error(`fake DingTalk: no pushed frame with messageId ${messageId}`));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.waiters.delete(done);
        resolve(undefined);
      }, timeoutMs);
      const done = (ack: AckRecord) => {
        clearTimeout(timer);
        resolve(ack);
      };
      pending.waiters.add(done);
    });
  }

  /** The frame as last pushed (undefined for an unknown messageId). */
  frameOf(messageId: string): StreamFrame | undefined {
    return this.pending.get(messageId)?.frame;
  }

  acksFor(messageId: string): AckRecord[] {
    return this.pending.get(messageId)?.acks ?? [];
  }

  pushesFor(messageId: string): number {
    return this.pending.get(messageId)?.pushes ?? 0;
  }

  unacked(): string[] {
    return [...this.pending].filter(([, p]) => p.frame.type === 'CALLBACK' && p.acks.length === 0).map(([id]) => id);
  }

  /** SYSTEM ping as documented: data {opaque}; the SDK echoes headers and data back with code 200. */
  async ping(timeoutMs: number): Promise<AckRecord | undefined> {
    const conn = this.connections.at(-1);
    if (!conn) throw new Error('fake DingTalk: no stream connection to ping');
    const ping = frame('SYSTEM', 'ping', { opaque: randomUUID() }, { connectionId: conn.id });
    const pending: Pending = { frame: ping, pushes: 1, acks: [], waiters: new Set() };
    this.pending.set(ping.headers.messageId, pending);
    const answer = this.nextAck(ping.headers.messageId, timeoutMs);
    this.send(conn, ping);
    try {
      return await answer;
    } finally {
      this.pending.delete(ping.headers.messageId);
    }
  }

  /** SYSTEM disconnect (data {reason}), then close after the grace period, as the platform does to rebalance. */
  disconnectAll(reason: string): Promise<void> {
    const closing = this.connections.map(
      (conn) =>
        new Promise<void>((resolve) => {
          this.send(conn, frame('SYSTEM', 'disconnect', { reason }, { connectionId: conn.id }));
          conn.ws.once('close', () => resolve());
          this.later(() => conn.ws.close(1000, 'disconnect'), this.options.disconnectGraceMs);
        }),
    );
    return Promise.all(closing).then(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    for (const conn of [...this.connections]) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private deliver(pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    const conn = this.connectionFor(pending.frame.headers.topic);
    if (conn) {
      pending.pushes += 1;
      pending.frame = { ...pending.frame, headers: { ...pending.frame.headers, connectionId: conn.id, time: String(Date.now()) } };
      this.send(conn, pending.frame);
    }
    // No connection right now (the client is reconnecting): keep the frame and try again later.
    if (pending.acks.length === 0 && pending.pushes <= this.options.maxRedeliveries && !this.closed) {
      pending.timer = setTimeout(() => {
        if (pending.acks.length === 0) this.deliver(pending);
      }, this.options.redeliveryDelayMs);
      pending.timer.unref();
    }
  }

  private send(conn: Connection, f: StreamFrame): void {
    this.frames.push({ direction: 'down', connectionId: conn.id, frame: f, at: Date.now() });
    conn.ws.send(JSON.stringify(f));
  }

  private onUpstream(conn: Connection, raw: RawData): void {
    let parsed: AckFrame;
    try {
      parsed = JSON.parse(raw.toString()) as AckFrame;
    } catch {
      this.frames.push({ direction: 'up', connectionId: conn.id, frame: raw.toString(), at: Date.now() });
      return;
    }
    this.frames.push({ direction: 'up', connectionId: conn.id, frame: parsed, at: Date.now() });
    const messageId = parsed?.headers?.messageId;
    const pending = typeof messageId === 'string' ? this.pending.get(messageId) : undefined;
    if (!pending) return; // e.g. the SDK's auto-ack of an EVENT we never sent, or a late duplicate
    let data: unknown = parsed.data;
    if (typeof parsed.data === 'string') {
      try {
        data = JSON.parse(parsed.data);
      } catch {
        // keep the raw string
      }
    }
    const ack: AckRecord = { code: parsed.code, message: parsed.message, data, raw: parsed, at: Date.now() };
    pending.acks.push(ack);
    if (pending.timer) clearTimeout(pending.timer);
    for (const waiter of [...pending.waiters]) {
      pending.waiters.delete(waiter);
      waiter(ack);
    }
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
