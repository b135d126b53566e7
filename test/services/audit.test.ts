import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { auditHash, GENESIS_HASH, type AuditRow } from '../../src/domain/audit.ts';
import { AUDIT_COLUMNS, appendAudit, OPERATOR } from '../../src/services/audit.ts';
import { readAuditHead } from '../../src/services/auditHead.ts';
import { sealAudit, type SealOptions } from '../../src/services/auditSeal.ts';
import { verifyAudit, type VerifyOptions } from '../../src/services/auditVerify.ts';
import { digestText } from '../../cards/templates/digest.ts';
import { dailyDigest } from '../../src/services/digest/daily.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';

const KEY = 'a-test-key-that-is-long-enough';
const dir = mkdtempSync(join(tmpdir(), 'stocktake-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** `n` commands, each writing one audit row, committed one after another. */
async function write(db: Db, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++)
    await db.transaction((tx) =>
      appendAudit(tx, OPERATOR, null, new Date(), [
        { action: 'test.write', entityType: 'test', entityId: `e${i}`, after: { i, qty: '1.50' } },
      ]),
    );
}

const seal = (db: Db, options: SealOptions = {}) => sealAudit(db, { key: KEY, wait: true, checkpoint: 'always', ...options });
const verify = (db: Db, options: VerifyOptions = {}) => verifyAudit(db, { key: KEY, ...options });
const rows = (db: Db) =>
  queryRows<AuditRow & Record<string, unknown>>(
    db,
    sql`select ${AUDIT_COLUMNS} from audit_log where seq is not null order by audit_log.seq`,
  );

/** What someone with database write access and the product's code, but not the key, can do: re-hash from `seq` on. */
async function rehashFrom(db: Db, seq: number): Promise<void> {
  const chain = await rows(db);
  let prev = seq > 1 ? chain[seq - 2]!.hash : GENESIS_HASH;
  for (const row of chain.slice(seq - 1)) {
    const { prevHash: _p, hash: _h, ...content } = row;
    const hash = auditHash(prev, content);
    await db.execute(sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}::bigint`);
    prev = hash;
  }
}

describeEachDatabase('appending audit entries', (get) => {
  it('stores a few entries (rows of values) and many (one unnest) alike, in the order given, and seals and verifies both', async () => {
    const { db } = get();
    const actor = { personId: null, identity: 'api:sam' };
    const entry = (i: number) => ({
      action: `test.shape${i}`,
      entityType: 'test',
      entityId: `shape-${i}`,
      stocktakeId: null,
      before: i % 2 ? null : { note: `say "${i}"\u001f`, qty: '0.10' },
      after: { i, nested: { z: 1, a: [i, null] } },
    });
    const few = [1, 2].map(entry);
    const many = [3, 4, 5, 6, 7, 8, 9].map(entry);
    const at = new Date('2026-12-06T09:00:00.123Z');
    await db.transaction((tx) => appendAudit(tx, actor, 'key-few', at, few));
    await db.transaction((tx) => appendAudit(tx, actor, 'key-many', at, many));
    const stored = await queryRows<{
      action: string;
      entity_id: string;
      before: unknown;
      after: unknown;
      key: string;
      identity: string;
      at: string;
    }>(
      db,
      sql`select action, entity_id, before, after, idempotency_key as key, actor_identity as identity, ${sql.raw(`to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)} as at
          from audit_log where action like 'test.shape%' order by id`,
    );
    expect(stored).toEqual(
      [...few, ...many].map((e, k) => ({
        action: e.action,
        entity_id: e.entityId,
        before: e.before,
        after: e.after,
        key: k < 2 ? 'key-few' : 'key-many',
        identity: 'api:sam',
        at: '2026-12-06T09:00:00.123Z',
      })),
    );
    await sealAudit(db, { key: KEY, wait: true, checkpoint: 'always' });
    expect(await verifyAudit(db, { key: KEY })).toMatchObject({ ok: true, unsealed: 0 });
  });
});

describeEachDatabase('the audit chain: sealed without a write lock, anchored by signed checkpoints and a published head', (get) => {
  it('leaves rows unsealed until the sealer chains them, then verifies with a signed checkpoint and the head file', async () => {
    const { db } = get();
    await write(db, 5);
    const before = await verify(db);
    expect(before).toMatchObject({ ok: true, rows: 0, unsealed: 5 });
    expect(before.warnings.map((w) => w.kind)).toContain('unsealed');

    const headFile = join(dir, `head-${files++}.json`);
    const sealed = await seal(db, { headFile });
    expect(sealed).toMatchObject({ ran: true, sealed: 5, checkpoint: { n: 1, seq: '5' } });
    expect(sealed.checkpoint!.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(headFile, 'utf8'))).toEqual(sealed.checkpoint);

    const head = await readAuditHead(headFile);
    const after = await verify(db, { head });
    expect(after).toMatchObject({ ok: true, rows: 5, lastSeq: '5', unsealed: 0, problems: [], warnings: [] });
    expect(after.lastHash).toBe(sealed.checkpoint!.hash);
    // A pasted digest line works as a head too: "#5 · <12 hex digits>".
    expect((await verify(db, { head: await readAuditHead(`5:${after.lastHash.slice(0, 12)}`) })).ok).toBe(true);
  });

  it('publishes the head in each daily digest, in both languages, in a form verify accepts pasted back', async () => {
    const { db } = get();
    await seedWarehouse(db);
    const quiet = await dailyDigest(db, { warehouse: 'WH1', now: new Date() });
    expect(quiet.auditHead).toBeNull();
    expect(digestText(quiet, 'en')).not.toContain('Audit chain');
    await write(db, 2);
    const { checkpoint } = await seal(db);
    const digest = await dailyDigest(db, { warehouse: 'WH1', now: new Date() });
    expect(digest.auditHead).toEqual({ seq: checkpoint!.seq, hash: checkpoint!.hash });
    const line = `#${checkpoint!.seq} · ${checkpoint!.hash.slice(0, 12)}…`;
    expect(digestText(digest, 'en')).toContain(`Audit chain ${line}`);
    const zh = digestText(digest, 'zh-CN');
    expect(zh).toContain(`审计链 ${line}`);
    const pasted = zh.split('\n').find((l) => l.startsWith('审计链'))!;
    expect((await verify(db, { head: await readAuditHead(pasted) })).problems).toEqual([]);
    await db.execute(sql`delete from audit_log where seq = ${checkpoint!.seq}::bigint`);
    await db.execute(sql`delete from audit_checkpoint`);
    expect((await verify(db, { head: await readAuditHead(pasted) })).problems).toContainEqual({
      kind: 'behindHead',
      chainSeq: String(BigInt(checkpoint!.seq) - 1n),
      headSeq: checkpoint!.seq,
    });
  });

  it('names an edited middle row', async () => {
    const { db } = get();
    await write(db, 10);
    await seal(db);
    await db.execute(sql`update audit_log set after = '{"i": 4, "qty": "9"}'::jsonb where seq = 5`);
    const verdict = await verify(db);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'edited', id: '5', seq: '5' }]);
  });

  it('names a removed middle row', async () => {
    const { db } = get();
    await write(db, 10);
    await seal(db);
    await db.execute(sql`delete from audit_log where seq = 4`);
    expect((await verify(db)).problems).toEqual([{ kind: 'removed', id: '5', seq: '5', fromSeq: '4', toSeq: '4' }]);
  });

  it('names a removed tail by the checkpoint that saw it', async () => {
    const { db } = get();
    await write(db, 10);
    await seal(db);
    await db.execute(sql`delete from audit_log where seq > 7`);
    expect((await verify(db)).problems).toEqual([{ kind: 'missingTail', checkpoint: 1, chainSeq: '7', checkpointSeq: '10' }]);
  });

  it('names the removal of every row', async () => {
    const { db } = get();
    await write(db, 3);
    await seal(db);
    await db.execute(sql`delete from audit_log`);
    const verdict = await verify(db);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ kind: 'missingTail', checkpoint: 1, chainSeq: '0', checkpointSeq: '3' }]);
  });

  it('catches the removal of every row and every checkpoint through the published head', async () => {
    const { db } = get();
    const headFile = join(dir, `head-${files++}.json`);
    await write(db, 3);
    await seal(db, { headFile });
    await write(db, 2, 3);
    await seal(db, { headFile });
    await db.execute(sql`delete from audit_log`);
    await db.execute(sql`delete from audit_checkpoint`);
    // Without the head there is nothing left to compare with: a warning says so.
    expect((await verify(db)).warnings.map((w) => w.kind)).toContain('noHead');
    const verdict = await verify(db, { head: await readAuditHead(headFile) });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      { kind: 'behindHead', chainSeq: '0', headSeq: '5' },
      { kind: 'checkpointsRemoved', fromN: 1, toN: 2 },
    ]);
  });

  it('names a re-hash done with the product’s own hash function, and then the bad signature once checkpoints are rewritten too', async () => {
    const { db } = get();
    const headFile = join(dir, `head-${files++}.json`);
    await write(db, 4);
    await seal(db, { headFile });
    await write(db, 4, 4);
    await seal(db, { headFile });
    await write(db, 4, 8);
    await seal(db, { headFile });
    await db.execute(sql`update audit_log set after = '{"i": 5, "qty": "0"}'::jsonb where seq = 6`);
    await rehashFrom(db, 6);
    // The chain itself is consistent again; checkpoint 2 (at #8) no longer matches it.
    const rehashed = await verify(db);
    expect(rehashed.problems).toEqual([{ kind: 'rehashed', checkpoint: 2, previousCheckpoint: 1, fromSeq: '5', toSeq: '8' }]);

    // Rewriting the checkpoints' hashes too leaves only the signatures — and the published head.
    await db.execute(sql`update audit_checkpoint c set hash = a.hash from audit_log a where a.seq = c.seq`);
    const resigned = await verify(db, { head: await readAuditHead(headFile) });
    expect(resigned.problems).toEqual([
      { kind: 'badSignature', checkpoint: 2 },
      { kind: 'headMismatch', seq: '12' },
    ]);
  });

  it('names a forged checkpoint: a wrong signature, or an unsigned one after signed ones', async () => {
    const { db } = get();
    await write(db, 3);
    await seal(db);
    await write(db, 3, 3);
    await seal(db);
    const [end] = await queryRows<{ hash: string }>(db, sql`select hash from audit_log where seq = 6`);
    await db.execute(sql`insert into audit_checkpoint (n, seq, hash, at, signature) values (3, 6, ${end!.hash}, now(), ${'f'.repeat(64)})`);
    expect((await verify(db)).problems).toEqual([{ kind: 'badSignature', checkpoint: 3 }]);
    await db.execute(sql`update audit_checkpoint set signature = null where n = 3`);
    expect((await verify(db)).problems).toEqual([{ kind: 'badSignature', checkpoint: 3 }]);
    // A removed middle checkpoint is named as such.
    await db.execute(sql`delete from audit_checkpoint where n = 2`);
    expect((await verify(db)).problems).toContainEqual({ kind: 'checkpointsRemoved', fromN: 2, toN: 2 });
  });

  it('without a key writes unsigned checkpoints and says that they prove nothing', async () => {
    const { db } = get();
    await write(db, 3);
    const sealed = await sealAudit(db, { wait: true, checkpoint: 'always' });
    expect(sealed.checkpoint).toMatchObject({ n: 1, seq: '3', signature: null });
    const verdict = await verifyAudit(db);
    expect(verdict.ok).toBe(true);
    expect(verdict.warnings).toContainEqual({ kind: 'unsigned', checkpoints: 1 });
  });

  it('writes a checkpoint when due: at once for the first, then after 30 s or 1,000 rows', async () => {
    const { db } = get();
    const t0 = new Date('2026-12-01T00:00:00Z');
    await write(db, 2);
    expect((await sealAudit(db, { key: KEY, now: () => t0 })).checkpoint).toMatchObject({ n: 1 });
    await write(db, 2, 2);
    expect((await sealAudit(db, { key: KEY, now: () => new Date(t0.getTime() + 10_000) })).checkpoint).toBeNull();
    // Nothing new to seal, but the chain is ahead of the checkpoint and 30 s have passed.
    const later = await sealAudit(db, { key: KEY, now: () => new Date(t0.getTime() + 31_000) });
    expect(later).toMatchObject({ sealed: 0, checkpoint: { n: 2, seq: '4' } });
    expect((await verify(db)).ok).toBe(true);
  });

  it('seals a backlog in batches, each its own transaction', async () => {
    const { db } = get();
    await write(db, 23);
    expect(await seal(db, { batch: 5 })).toMatchObject({ sealed: 23, checkpoint: { n: 1, seq: '23' } });
    expect(await verify(db)).toMatchObject({ ok: true, rows: 23 });
  });

  it('chains 20 concurrent writers with sealers running alongside: every row sealed exactly once, no fork', async () => {
    const { db } = get();
    let writing = true;
    const sealers = [0, 1, 2].map(async () => {
      while (writing) await sealAudit(db, { key: KEY });
    });
    await Promise.all(
      Array.from({ length: 20 }, (_, w) =>
        db.transaction((tx) =>
          appendAudit(
            tx,
            OPERATOR,
            `w${w}`,
            new Date(),
            [0, 1, 2].map((i) => ({ action: 'test.write', entityType: 'test', entityId: `w${w}-${i}` })),
          ),
        ),
      ),
    );
    writing = false;
    await Promise.all(sealers);
    // Two sealers at once: one waits for the other, neither forks the chain.
    await Promise.all([seal(db), seal(db)]);
    const [counts] = await queryRows<{ n: number; seqs: number; min: string; max: string }>(
      db,
      sql`select count(*)::int as n, count(distinct seq)::int as seqs, min(seq)::text as min, max(seq)::text as max from audit_log`,
    );
    expect(counts).toEqual({ n: 60, seqs: 60, min: '1', max: '60' });
    expect(await verify(db)).toMatchObject({ ok: true, rows: 60, unsealed: 0, problems: [] });
  });

  it('seals a row that commits after a later one was sealed into a later place, without a gap', async () => {
    const { db, kind } = get();
    // PGlite has one connection: transactions cannot overlap there.
    if (kind !== 'postgres') return;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const slow = db.transaction(async (tx) => {
      await appendAudit(tx, OPERATOR, null, new Date(), [{ action: 'test.slow', entityType: 'test', entityId: 'slow' }]);
      inserted();
      await held;
    });
    await insertedYet;
    await write(db, 1);
    await seal(db);
    release();
    await slow;
    await seal(db);
    const chain = await rows(db);
    expect(chain.map((r) => [r.id, r.seq])).toEqual([
      ['2', '1'],
      ['1', '2'],
    ]);
    expect(await verify(db)).toMatchObject({ ok: true, rows: 2 });
  });

  it('still verifies rows chained before sealing existed (seq = id, hashed without seq)', async () => {
    const { db } = get();
    let prev = GENESIS_HASH;
    for (let id = 1; id <= 3; id++) {
      const content = {
        id: String(id),
        at: '2026-11-01T00:00:00.000Z',
        actorPersonId: null,
        actorIdentity: 'cli',
        action: 'old.write',
        entityType: 'test',
        entityId: `old${id}`,
        stocktakeId: null,
        documentId: null,
        before: null,
        after: { id },
        idempotencyKey: null,
      };
      const hash = auditHash(prev, content);
      await db.execute(sql`insert into audit_log (id, at, actor_identity, action, entity_type, entity_id, after, seq, prev_hash, hash)
        values (${id}, ${content.at}::timestamptz, 'cli', 'old.write', 'test', ${content.entityId}, ${JSON.stringify(content.after)}::jsonb, ${id}, ${prev}, ${hash})`);
      prev = hash;
    }
    await db.execute(sql`select setval(pg_get_serial_sequence('audit_log', 'id'), 4, false)`);
    await write(db, 2);
    await seal(db);
    expect(await verify(db)).toMatchObject({ ok: true, rows: 5 });
  });
});
