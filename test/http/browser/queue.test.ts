import { describe, expect, it } from 'vitest';
import { EntryQueue, type EntryStore, type QueuedEntry, type SendOutcome } from '../../../src/http/browser/queue.ts';
import { entryForTotal, shownLines, toScaled } from '../../../src/http/browser/lines.ts';

/** The phone's IndexedDB as a map, oldest first by scan time. */
function memoryStore(): EntryStore & { rows: Map<string, QueuedEntry> } {
  const rows = new Map<string, QueuedEntry>();
  return {
    rows,
    async put(e) {
      rows.set(e.id, e);
    },
    async list(st) {
      return [...rows.values()].filter((e) => e.stocktake === st).sort((a, b) => a.at.localeCompare(b.at));
    },
    async remove(ids) {
      for (const id of ids) rows.delete(id);
    },
  };
}

let n = 0;
const entry = (code = 'A-100', extra: Partial<QueuedEntry> = {}): QueuedEntry => ({
  id: `e${++n}`,
  stocktake: 'ST-1',
  location: 'R1',
  code,
  qty: '1',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  ...extra,
});

/** A server that counts each id once, and can be switched off (no network) or made to answer 503. */
function fakeServer() {
  const counted = new Map<string, QueuedEntry>();
  const server = {
    mode: 'up' as 'up' | 'down' | 'busy' | 'closed',
    batches: [] as number[],
    counted,
    async send(entries: QueuedEntry[]): Promise<SendOutcome> {
      server.batches.push(entries.length);
      if (server.mode === 'down') return { kind: 'unreachable' };
      if (server.mode === 'busy') return { kind: 'unavailable', status: 503, retryAfterMs: 5000 };
      if (server.mode === 'closed') return { kind: 'refused', status: 409, message: 'counting is closed' };
      const rejected = entries.filter((e) => e.code === 'NOPE').map((e) => ({ id: e.id, code: e.code, message: 'unknown barcode NOPE' }));
      const accepted = entries.filter((e) => e.code !== 'NOPE').map((e) => e.id);
      for (const e of entries) if (e.code !== 'NOPE') counted.set(e.id, e);
      return { kind: 'answered', accepted, rejected, body: {} };
    },
  };
  return server;
}

/** Timers the test fires by hand: no waiting on the clock. */
function manualTimers() {
  const pending: { run: () => void; ms: number }[] = [];
  return {
    pending,
    schedule: (run: () => void, ms: number) => {
      const t = { run, ms };
      pending.push(t);
      return t;
    },
    cancel: (t: unknown) => {
      const i = pending.indexOf(t as (typeof pending)[number]);
      if (i >= 0) pending.splice(i, 1);
    },
  };
}

function setup(batchSize = 500) {
  const store = memoryStore();
  const server = fakeServer();
  const timers = manualTimers();
  const answers: string[][] = [];
  const queue = new EntryQueue({
    stocktake: 'ST-1',
    store,
    send: (e) => server.send(e),
    batchSize,
    backoff: { firstMs: 1000, maxMs: 30_000 },
    jitter: () => 1,
    now: () => 0,
    schedule: timers.schedule,
    cancel: timers.cancel,
    onAnswer: (o) => answers.push(o.rejected.map((r) => r.message)),
  });
  return { store, server, timers, queue, answers };
}

describe('the counting page queue', () => {
  it('stores an entry before sending it and removes it once the server counted it', async () => {
    const { store, server, queue } = setup();
    const sent = new Promise<void>((resolve) => {
      const original = server.send.bind(server);
      server.send = async (entries) => {
        expect(store.rows.has(entries[0]!.id)).toBe(true); // on the phone before it leaves
        const outcome = await original(entries);
        resolve();
        return outcome;
      };
    });
    await queue.add(entry());
    await sent;
    await queue.flush();
    expect(store.rows.size).toBe(0);
    expect(server.counted.size).toBe(1);
    expect(queue.state).toMatchObject({ queued: 0, offline: false, sending: false });
  });

  it('keeps entries while offline, shows them queued, and sends each once when the connection is back', async () => {
    const { store, server, timers, queue } = setup();
    server.mode = 'down';
    const made = [entry(), entry('B-300'), entry()];
    for (const e of made) await queue.add(e);
    await queue.flush();
    expect(queue.state).toMatchObject({ queued: 3, offline: true, oldestAt: made[0]!.at });
    expect(timers.pending).toHaveLength(1);

    server.mode = 'up';
    await queue.online();
    expect(store.rows.size).toBe(0);
    expect([...server.counted.keys()].sort()).toEqual(made.map((e) => e.id).sort());
    expect(queue.state).toMatchObject({ queued: 0, offline: false, retryAt: null });
    expect(timers.pending).toHaveLength(0); // the pending retry was cancelled by the successful flush
  });

  it('sends an entry again after a lost answer, and the server keeps it once by its id', async () => {
    const { store, server, queue } = setup();
    const original = server.send.bind(server);
    let lose = true;
    server.send = async (entries) => {
      const outcome = await original(entries); // the server counted them…
      if (lose) {
        lose = false;
        return { kind: 'unreachable' }; // …but the answer never reached the phone
      }
      return outcome;
    };
    const e = entry();
    await queue.add(e);
    await queue.flush();
    expect(store.rows.size).toBe(1);
    await queue.online();
    expect(store.rows.size).toBe(0);
    expect(server.counted.size).toBe(1);
    expect(server.batches).toEqual([1, 1]);
  });

  it('backs off on failures, doubling up to the limit, and honours Retry-After', async () => {
    const { server, timers, queue } = setup();
    server.mode = 'down';
    await queue.add(entry());
    await queue.flush();
    const pauses = [timers.pending.at(-1)!.ms];
    for (let i = 0; i < 6; i++) {
      const next = timers.pending.shift()!;
      next.run();
      await queue.flush();
      pauses.push(timers.pending.at(-1)!.ms);
    }
    expect(pauses).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);

    server.mode = 'busy';
    await queue.online();
    expect(timers.pending.at(-1)!.ms).toBe(5000);
    expect(queue.state.offline).toBe(false);
  });

  it('removes an entry the server rejected for a reason and reports the reason', async () => {
    const { store, queue, answers } = setup();
    await queue.add(entry('NOPE'));
    await queue.flush();
    expect(store.rows.size).toBe(0);
    expect(answers).toContainEqual(['unknown barcode NOPE']);
  });

  it('keeps entries the server refuses as a whole, with the reason shown', async () => {
    const { store, server, queue } = setup();
    server.mode = 'closed';
    await queue.add(entry());
    await queue.flush();
    expect(store.rows.size).toBe(1);
    expect(queue.state.refused).toBe('counting is closed');
  });

  it('sends in batches of at most the batch size', async () => {
    const { server, queue, store } = setup(2);
    server.mode = 'down';
    for (let i = 0; i < 5; i++) await queue.add(entry());
    server.mode = 'up';
    server.batches.length = 0;
    await queue.online();
    expect(server.batches).toEqual([2, 2, 1]);
    expect(store.rows.size).toBe(0);
  });
});

describe('the running list of a location', () => {
  const box = { code: 'A-100', sku: 'A-100', name: 'Tea', unit: '个', packs: [{ unit: '箱', factor: '12' }], asksQty: false };

  it("adds the phone's waiting entries to the server's lines in base units", () => {
    const lines = shownLines(
      [{ sku: 'A-100', name: 'Tea', unit: '个', qty: '3', countedAs: '3 个', expected: null }],
      [entry('A-100', { qty: '2', unit: '箱' }), entry('6901234567892'), entry('A-100', { location: 'R2' })],
      'R1',
      (code) => (code === 'A-100' ? box : undefined),
    );
    expect(lines.map((l) => [l.key, l.qty, l.waiting])).toEqual([
      ['A-100', toScaled('27'), 1],
      ['6901234567892', toScaled('1'), 1],
    ]);
  });

  it('turns a typed total into one entry in the chosen unit when it is whole cases, else in base units', () => {
    const twelve = toScaled('12')!;
    expect(entryForTotal(0n, toScaled('2')!, twelve)).toEqual({ qty: '2', inUnit: true });
    expect(entryForTotal(toScaled('1')!, toScaled('2')!, twelve)).toEqual({ qty: '23', inUnit: false });
    expect(entryForTotal(toScaled('24')!, toScaled('2')!, twelve)).toBeNull();
    // In the base unit itself a fraction is fine (kg, m): the entry is simply in base units.
    expect(entryForTotal(toScaled('30')!, toScaled('1.5')!, toScaled('1')!)).toEqual({ qty: '-28.5', inUnit: false });
  });
});
