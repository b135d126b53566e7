import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { hex, type EventEnvelope } from './events.ts';
import { decodeFrame, encodeFrame, FrameMethod, headerValue, type Frame } from './frame.ts';
import type { ClientConfig, Delivery } from './types.ts';

// The long connection (what WSClient talks to): pbbp2 frames over a websocket. The client pings
// first (control frame, type=ping) and gets a pong carrying ClientConfig; events go out as data
// frames (type=event, split by sum/seq) and the client answers each with the same frame whose
// payload is {code, data: base64(JSON(handler result))}: that reply is the acknowledgement.

export interface LongConnectionOptions {
  clientConfig: ClientConfig;
  ackTimeoutMs: number;
  maxFramePayload?: number;
}

export type LongConnection = ReturnType<typeof createLongConnection>;

/** No reply frame in time: for a tap, what the user sees as a timeout. */
export class NoReplyError extends Error {}

interface Conn {
  ws: WebSocket;
  serviceId: number;
  /** Set by the first ping: before it the SDK is not yet listening for data frames. */
  ready: boolean;
}

export function createLongConnection(opts: LongConnectionOptions) {
  const conns = new Set<Conn>();
  const tickets = new Map<string, { serviceId: number }>();
  const readyWaiters = new Set<() => void>();
  const pending = new Map<string, { conn: Conn; started: number; resolve: (d: Delivery) => void; reject: (e: Error) => void }>();
  let seq = 0;
  const wss = new WebSocketServer({ noServer: true });

  const open = () => [...conns].filter((c) => c.ready && c.ws.readyState === c.ws.OPEN);
  const readyConn = () => open().at(-1); // the newest: after a reconnect, events follow the new socket

  function waitForConn(): Promise<Conn> {
    const now = readyConn();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        readyWaiters.delete(onReady);
        reject(new Error(`fake feishu: no long connection within ${opts.ackTimeoutMs} ms (start a WSClient first)`));
      }, opts.ackTimeoutMs);
      const onReady = () => {
        const c = readyConn();
        if (!c) return;
        clearTimeout(timer);
        readyWaiters.delete(onReady);
        resolve(c);
      };
      readyWaiters.add(onReady);
    });
  }

  function onConnection(ws: WebSocket, serviceId: number) {
    const conn: Conn = { ws, serviceId, ready: false };
    conns.add(conn);
    ws.on('message', (data: RawData) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      let frame: Frame;
      try {
        frame = decodeFrame(buf);
      } catch {
        return; // the real gateway ignores garbage too
      }
      const type = headerValue(frame, 'type');
      if (frame.method === FrameMethod.control && type === 'ping') {
        // Pong carries the ClientConfig; the SDK applies it (all four fields, or it computes NaN timers).
        ws.send(
          encodeFrame({
            SeqID: 0,
            LogID: 0,
            service: frame.service,
            method: FrameMethod.control,
            headers: [{ key: 'type', value: 'pong' }],
            payload: Buffer.from(JSON.stringify(opts.clientConfig)),
          }),
        );
        // The SDK only listens for data frames once its first ping is out: push nothing before it.
        if (!conn.ready) {
          conn.ready = true;
          for (const w of [...readyWaiters]) w();
        }
        return;
      }
      if (frame.method === FrameMethod.data) {
        const id = headerValue(frame, 'message_id');
        const p = id === undefined ? undefined : pending.get(id);
        if (!p || !frame.payload) return;
        pending.delete(id!);
        const ms = performance.now() - p.started;
        try {
          const ack = JSON.parse(Buffer.from(frame.payload).toString('utf8')) as { code: number; data?: string };
          const reply = ack.data ? JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8')) : undefined;
          p.resolve({ code: ack.code, reply, ms });
        } catch (e) {
          p.reject(new Error(`fake feishu: undecodable reply frame: ${String(e)}`));
        }
      }
    });
    ws.on('close', () => {
      conns.delete(conn);
      for (const [id, p] of pending) {
        if (p.conn !== conn) continue;
        pending.delete(id);
        p.reject(new Error('fake feishu: long connection closed before the event was acknowledged'));
      }
    });
    ws.on('error', () => {});
  }

  /** Pushes an event; `replyWithinMs` (default ackTimeoutMs) bounds the wait for its reply frame. */
  async function push(env: EventEnvelope, replyWithinMs = opts.ackTimeoutMs): Promise<Delivery> {
    const conn = await waitForConn();
    const frameMessageId = hex(16);
    const traceId = hex(8);
    const payload = Buffer.from(JSON.stringify(env));
    const size = Math.max(1, opts.maxFramePayload ?? payload.length);
    const chunks: Buffer[] = [];
    for (let at = 0; at < payload.length; at += size) chunks.push(payload.subarray(at, at + size));
    const result = new Promise<Delivery>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(frameMessageId);
        reject(
          new NoReplyError(`fake feishu: no reply frame for ${env.header.event_type} ${env.header.event_id} within ${replyWithinMs} ms`),
        );
      }, replyWithinMs);
      pending.set(frameMessageId, {
        conn,
        started: performance.now(),
        resolve: (d) => (clearTimeout(timer), resolve(d)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
    chunks.forEach((chunk, i) => {
      seq += 1;
      conn.ws.send(
        encodeFrame({
          SeqID: seq,
          LogID: seq,
          service: conn.serviceId,
          method: FrameMethod.data,
          headers: [
            { key: 'type', value: 'event' },
            { key: 'message_id', value: frameMessageId },
            { key: 'sum', value: String(chunks.length) },
            { key: 'seq', value: String(i) },
            { key: 'trace_id', value: traceId },
          ],
          payload: chunk,
        }),
      );
    });
    return result;
  }

  /** Accepts the websocket upgrade for a ticket issued by /callback/ws/endpoint, refuses anything else. */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    const issued = tickets.get(ticket);
    if (url.pathname !== '/ws/v2' || !issued) {
      socket.end('HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\n\r\n');
      return;
    }
    tickets.delete(ticket); // one ticket, one connection: the SDK fetches a fresh one for every (re)connect
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, issued.serviceId));
  }

  function issueTicket() {
    const ticket = hex(16);
    const serviceId = 33554000 + Math.floor(Math.random() * 1000);
    tickets.set(ticket, { serviceId });
    return { ticket, serviceId };
  }

  return {
    issueTicket,
    handleUpgrade,
    push,
    readyCount: () => open().length,
    /** Drops every connection, as a network failure would. */
    disconnect() {
      for (const c of conns) c.ws.terminate();
    },
    close() {
      for (const c of conns) c.ws.terminate();
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new Error('fake feishu: closed'));
      }
      wss.close();
    },
  };
}
