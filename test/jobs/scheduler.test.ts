/**
 * The scheduler with an explicit clock: per-chat cron and timezone, one send per slot across instances,
 * catching up after downtime within a window, leases of crashed instances, and node-cron's part.
 */
import { sql } from 'drizzle-orm';
import cron from 'node-cron';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { PgRunCoordinator } from '../../src/jobs/coordinator.ts';
import * as dailyDigest from '../../src/jobs/dailyDigest.ts';
import { DIGESTS_TASK, REMINDERS_TASK } from '../../src/jobs/scheduler.ts';
import { silentLogger } from '../../src/core/log.ts';
import { setSchedule } from '../../src/services/schedules.ts';
import { describeEachDatabase } from '../support/db.ts';
import { jobRuns, queuedCards, recordingReports, scheduler, seedChats } from './support.ts';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;

describeEachDatabase('scheduler', (get) => {
  it('sends a digest chat its daily digest at 09:00 Asia/Shanghai, which is 01:00 UTC, once', async () => {
    const { db } = get();
    await seedChats(db);
    const reports = recordingReports();
    const s = scheduler(db, reports.source);

    expect((await s.tick(at('2026-11-26T00:59:00Z'))).digests).toEqual([]);
    const nine = await s.tick(at('2026-11-26T01:00:00Z'));
    expect(nine.digests).toEqual([{ job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-26T09:00', outcome: 'sent' }]);
    // The next minutes still see the slot (their lookback covers it) and leave it alone.
    expect((await s.tick(at('2026-11-26T01:01:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-26T09:00', outcome: 'taken' },
    ]);

    const cards = await queuedCards(db);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ platform: 'web', chatId: 'digest', title: 'daily report WH1 2026-11-26T01:00:00.000Z' });
    expect(reports.requests).toEqual([{ kind: 'daily', warehouse: 'WH1', now: at('2026-11-26T01:00:00Z'), locale: 'en' }]);
    expect(await jobRuns(db, 'daily')).toEqual([
      expect.objectContaining({ slot: 'web:digest@2026-11-26T09:00', outcome: 'sent', attempts: 1 }),
    ]);

    // The next morning's digest covers what changed since this one.
    await s.tick(at('2026-11-27T01:00:00Z'));
    expect(reports.requests[1]).toEqual({
      kind: 'daily',
      warehouse: 'WH1',
      now: at('2026-11-27T01:00:00Z'),
      locale: 'en',
      since: at('2026-11-26T01:00:00Z'),
    });
  });

  it("keys a slot by the chat's local day: midnight in Shanghai is 16:00 UTC the day before", async () => {
    const { db } = get();
    const people = await seedChats(db);
    await setSchedule(
      db,
      people.sam.actor,
      { platform: 'web', chatId: 'digest', job: 'daily', cron: '0 0 * * *', enabled: true },
      at('2026-11-20T00:00:00Z'),
    );
    const s = scheduler(db, recordingReports().source);
    const results = (await s.tick(at('2026-11-25T16:00:30Z'))).digests;
    expect(results).toEqual([{ job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-26T00:00', outcome: 'sent' }]);
    // The slot's instant is the 25th in UTC; its key is the chat's own day, the 26th.
    const [run] = await queryRows<{ scheduled_at: string }>(
      db,
      sql`select to_char(scheduled_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as scheduled_at from job_run where job = 'daily'`,
    );
    expect(run!.scheduled_at).toBe('2026-11-25 16:00');
    expect((await s.tick(at('2026-11-26T16:00:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-27T00:00', outcome: 'sent' },
    ]);
    expect(await queuedCards(db)).toHaveLength(2);
  });

  it('sends one digest per slot when three instances tick the same minute', async () => {
    const { db } = get();
    await seedChats(db, { 'web:digest': 'digest', 'web:digest-2': 'digest' });
    const reports = recordingReports();
    const instances = ['a', 'b', 'c'].map((name) => scheduler(db, reports.source, { instance: `host-${name}` }));
    for (const minute of ['2026-11-26T01:00:00Z', '2026-11-26T01:01:00Z', '2026-11-26T01:02:00Z']) {
      const ticks = await Promise.all(instances.map((s) => s.tick(at(minute))));
      // node-cron's minute fire goes to one instance; the others skip it.
      expect(ticks.filter((t) => t.digests !== null)).toHaveLength(1);
    }
    expect((await queuedCards(db)).map((c) => c.chatId).sort()).toEqual(['digest', 'digest-2']);
    expect(await jobRuns(db, DIGESTS_TASK)).toHaveLength(3);
  });

  it('queues a slot once when three runs of it race past their claims', async () => {
    const { db } = get();
    await seedChats(db);
    const reports = recordingReports();
    const deps = (name: string) => ({ db, log: silentLogger, coordinator: new PgRunCoordinator(db, name), reports: reports.source });
    const slot = { platform: 'web', chatId: 'digest', scheduledAt: at('2026-11-26T01:00:00Z'), key: 'web:digest@2026-11-26T09:00' };
    const outcomes = await Promise.all(['a', 'b', 'c'].map((n) => dailyDigest.run(deps(n), slot)));
    expect(outcomes.sort()).toEqual(['already sent', 'already sent', 'sent']);
    expect(reports.requests).toHaveLength(3);
    expect(await queuedCards(db)).toHaveLength(1);
  });

  it('catches up a slot missed while every instance was down, once, and lets an older one go', async () => {
    const { db } = get();
    await seedChats(db, { 'web:digest': 'digest' });
    const reports = recordingReports();
    // Down from Wednesday 08:00 to 14:00 Shanghai: the 09:00 digest is five hours late, within six.
    const first = scheduler(db, reports.source, { instance: 'first' });
    expect((await first.catchUp(at('2026-11-25T06:00:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-25T09:00', outcome: 'sent' },
    ]);
    // A second instance starting a minute later finds it sent.
    const second = scheduler(db, reports.source, { instance: 'second' });
    expect((await second.catchUp(at('2026-11-25T06:01:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-25T09:00', outcome: 'taken' },
    ]);
    // Down all Thursday morning until 16:00: seven hours late is too late for a morning digest.
    expect((await second.catchUp(at('2026-11-26T08:00:00Z'))).digests).toEqual([]);
    expect((await queuedCards(db)).map((c) => c.title)).toEqual(['daily report WH1 2026-11-25T06:00:00.000Z']);
  });

  it('catches up a weekly report within a day of its Monday slot, not later', async () => {
    const { db } = get();
    await seedChats(db);
    const s = scheduler(db, recordingReports().source);
    // Monday 2026-11-30 09:00 Shanghai = 01:00 UTC; Tuesday 08:00 Shanghai is 23 hours on.
    const tuesday = await s.catchUp(at('2026-12-01T00:00:00Z'));
    expect(tuesday.digests).toContainEqual({ job: 'weekly', chat: 'web:digest', slot: 'web:digest@2026-11-30T09:00', outcome: 'sent' });
    // The Monday after, the instances come back on Tuesday at 10:00: 25 hours late, not sent.
    const late = await s.catchUp(at('2026-12-08T02:00:00Z'));
    expect(late.digests!.filter((r) => r.job === 'weekly')).toEqual([]);
    expect((await queuedCards(db)).filter((c) => c.title.startsWith('weekly'))).toHaveLength(1);
  });

  it('never catches up a slot from before the chat asked for its schedule', async () => {
    const { db } = get();
    const people = await seedChats(db);
    // Set to 08:30 at 10:00 Shanghai: the 08:30 slot of that morning is not the chat's to get.
    await setSchedule(
      db,
      people.sam.actor,
      { platform: 'web', chatId: 'digest', job: 'daily', cron: '30 8 * * *', enabled: true },
      at('2026-11-25T02:00:00Z'),
    );
    const s = scheduler(db, recordingReports().source);
    expect((await s.catchUp(at('2026-11-25T03:00:00Z'))).digests!.filter((r) => r.job === 'daily')).toEqual([]);
    expect((await s.tick(at('2026-11-26T00:30:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-26T08:30', outcome: 'sent' },
    ]);
  });

  it('takes over a slot whose instance died holding it once the lease is over, and sends it once', async () => {
    const { db } = get();
    await seedChats(db);
    const reports = recordingReports();
    const crashed = new PgRunCoordinator(db, 'crashed');
    expect(
      await crashed.claim('daily', 'web:digest@2026-11-26T09:00', at('2026-11-26T01:00:00Z'), 5 * MINUTE, at('2026-11-26T01:00:00Z')),
    ).toBe(true);
    const survivor = scheduler(db, reports.source, { instance: 'survivor', leaseMs: 5 * MINUTE });
    expect((await survivor.tick(at('2026-11-26T01:02:00Z'))).digests).toEqual([expect.objectContaining({ outcome: 'taken' })]);
    expect((await survivor.tick(at('2026-11-26T01:05:00Z'))).digests).toEqual([
      expect.objectContaining({ slot: 'web:digest@2026-11-26T09:00', outcome: 'sent' }),
    ]);
    expect(await queuedCards(db)).toHaveLength(1);
    expect(await jobRuns(db, 'daily')).toEqual([expect.objectContaining({ claimed_by: 'survivor', attempts: 2, outcome: 'sent' })]);
  });

  it('gives a failed slot back for the next tick', async () => {
    const { db } = get();
    await seedChats(db);
    const reports = recordingReports();
    reports.failNext();
    const s = scheduler(db, reports.source);
    expect((await s.tick(at('2026-11-26T01:00:00Z'))).digests).toEqual([
      expect.objectContaining({ outcome: 'failed', error: 'the digest query timed out' }),
    ]);
    expect(await jobRuns(db, 'daily')).toEqual([
      expect.objectContaining({ finished_at: null, outcome: 'failed: the digest query timed out' }),
    ]);
    expect((await s.tick(at('2026-11-26T01:01:00Z'))).digests).toEqual([expect.objectContaining({ outcome: 'sent' })]);
    expect(await queuedCards(db)).toHaveLength(1);
  });

  it('sends nothing to a chat whose report is off, nor when there is nothing to report', async () => {
    const { db } = get();
    const people = await seedChats(db, { 'web:digest': 'digest', 'web:quiet': 'digest' });
    await setSchedule(db, people.sam.actor, { platform: 'web', chatId: 'quiet', job: 'daily', enabled: false }, at('2026-11-20T00:00:00Z'));
    const s = scheduler(db, recordingReports({ empty: true }).source);
    expect((await s.tick(at('2026-11-26T01:00:00Z'))).digests).toEqual([
      { job: 'daily', chat: 'web:digest', slot: 'web:digest@2026-11-26T09:00', outcome: 'nothing to report' },
    ]);
    expect(await queuedCards(db)).toHaveLength(0);
  });

  it("claims node-cron's coordination key for one of three coordinators, until the slot is done", async () => {
    const { db } = get();
    const key = `${DIGESTS_TASK}:2026-11-26T01:00:00.000Z`;
    const coordinators = ['a', 'b', 'c'].map((n) => new PgRunCoordinator(db, n));
    const answers = await Promise.all(coordinators.map((c) => c.shouldRun(key, 30_000)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    await coordinators[answers.indexOf(true)]!.onComplete(key);
    expect(await Promise.all(coordinators.map((c) => c.shouldRun(key, 30_000)))).toEqual([false, false, false]);
    expect(await jobRuns(db, DIGESTS_TASK)).toEqual([expect.objectContaining({ slot: '2026-11-26T01:00:00.000Z', outcome: 'done' })]);
  });

  it('runs the reminders on the hour, once across instances', async () => {
    const { db } = get();
    await seedChats(db);
    const instances = ['a', 'b', 'c'].map((n) => scheduler(db, recordingReports().source, { instance: n }));
    const ticks = await Promise.all(instances.map((s) => s.tick(at('2026-11-26T02:00:10Z'))));
    expect(ticks.filter((t) => t.reminders !== null)).toHaveLength(1);
    expect((await instances[0]!.tick(at('2026-11-26T02:01:00Z'))).reminders).toBeNull();
    expect(await jobRuns(db, REMINDERS_TASK)).toEqual([expect.objectContaining({ slot: '2026-11-26T02:00:00.000Z', outcome: 'done' })]);
  });

  it('starts two distributed node-cron tasks and removes them on stop', async () => {
    const { db } = get();
    const s = scheduler(db, recordingReports().source);
    s.start();
    const names = () => [...cron.getTasks().values()].map((t) => t.name);
    expect(names()).toEqual(expect.arrayContaining([DIGESTS_TASK, REMINDERS_TASK]));
    const digests = [...cron.getTasks().values()].find((t) => t.name === DIGESTS_TASK)!;
    expect(digests.getNextRun()!.getTime() - Date.now()).toBeLessThanOrEqual(MINUTE);
    await s.stop();
    expect(names()).not.toContain(DIGESTS_TASK);
    await db.execute(sql`select 1`);
  });
});
