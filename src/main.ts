/**
 * The long-running service: the dispatcher for inbound chat events, the outbox sender and the scheduler
 * (digests, reminders), over the adapters it is given. It knows no platform: bots/main.ts picks the
 * adapters from the environment. Only here is node-cron wired (src/jobs/scheduler.ts).
 */
import { openDatabase, type Database, type DatabaseTarget, type Db } from '../db/client.ts';
import { retryWhileUnavailable } from '../db/unavailable.ts';
import { auditHeadFile, databaseTarget, retentionPolicy, type Config } from './config.ts';
import { ActionSigner, loadInstallationSecret } from './core/actionToken.ts';
import type { Deliverer } from './core/delivery.ts';
import { createDispatcher, type Dispatcher } from './core/dispatcher.ts';
import type { Capabilities } from './core/events.ts';
import type { PlatformHealth } from './core/health.ts';
import { childLogger, type Logger } from './core/log.ts';
import { createSender, type Sender } from './core/sender.ts';
import { createCentreSync, type CentreSync } from './jobs/approvalCentres.ts';
import { createDeliveryWorker, type DeliveryWorker } from './integration/delivery.ts';
// Registers the delivery targets (webhooks; ERP connectors register beside it).
import './integration/targets.ts';
import { createAuditSealer, type AuditSealer } from './jobs/auditSealer.ts';
import { createStatisticsKeeper, type StatisticsKeeper } from './jobs/statistics.ts';
import { digestReports } from './jobs/digestReports.ts';
import { createScheduler, type Scheduler } from './jobs/scheduler.ts';
import type { ApprovalCentre } from './services/approvalCentres.ts';
import { ensureDefaultCauses } from './services/causes.ts';

/** What the service needs of an adapter (bots/adapter.ts has the full contract; src/ does not import bots/). */
export interface RunnableAdapter extends Deliverer {
  /** What the dispatcher reads of the platform (whether a tap's answer carries the card). */
  readonly capabilities: Capabilities;
  start(handler: Dispatcher): Promise<void>;
  stop(): Promise<void>;
  /** Its link to the platform right now, for /healthz. */
  health(): PlatformHealth;
}

export interface Service {
  database: Database;
  sender: Sender;
  /** Delivers integration events to webhook subscriptions and ERP connectors (src/integration/delivery.ts). */
  deliveries: DeliveryWorker;
  /** The cron jobs: each digest chat's reports at its schedule, hourly reminders; one run per slot across instances. */
  scheduler: Scheduler;
  /** Seals audit rows into the chain every second and writes its checkpoints. */
  sealer: AuditSealer;
  /** Mirrors pending approval steps into the configured approval centres (Feishu, DingTalk). */
  centreSync: CentreSync;
  /** Analyzes tables whose planner statistics went stale, where no autovacuum does (PGlite; autovacuum off). */
  statistics: StatisticsKeeper;
  /** The installation's secret: signs card tokens and console sessions. */
  secret: Buffer;
  /** The platforms this service delivers to, in start order. */
  platforms: string[];
  /** Each platform's link right now (an adapter that failed to start is not here: start throws). */
  platformHealth(): Record<string, PlatformHealth>;
  stop(): Promise<void>;
}

/** Opens the database, starts the sender and every adapter; `stop()` undoes it in reverse. */
export async function startService(
  config: Config,
  makeAdapters: (db: Db, log: Logger) => RunnableAdapter[] | Promise<RunnableAdapter[]>,
  log: Logger,
  /** The approval centres to mirror approval steps into (bots/index.ts enabledCentres); none by default. */
  centres: readonly ApprovalCentre[] = [],
): Promise<Service> {
  const database = await openWhenReachable(databaseTarget(config), log);
  const { db } = database;
  await ensureDefaultCauses(db);
  const secret = await loadInstallationSecret(db, config.STOCKTAKE_ACTION_SECRET);
  const signer = new ActionSigner(secret);
  const adapters = await makeAdapters(db, log);
  const sender = createSender({ db, signer, deliverers: adapters, log: childLogger(log, { component: 'sender' }) });
  const deliveries = createDeliveryWorker({ db, log: childLogger(log, { component: 'integration-delivery' }) });
  const centreSync = createCentreSync({ db, log: childLogger(log, { component: 'approval-centres' }), centres });
  // A tap that changed something queued card updates: the centres may have a step to close or open too,
  // and integration events may wait for delivery.
  const changed = () => {
    sender.kick();
    centreSync.nudge();
    deliveries.kick();
  };
  const dispatch = createDispatcher({
    db,
    signer,
    log: childLogger(log, { component: 'dispatcher' }),
    defaultLocale: config.STOCKTAKE_DEFAULT_LOCALE,
    maxFileBytes: config.STOCKTAKE_MAX_UPLOAD_MB * 1024 * 1024,
    onOutbox: changed,
    capabilities: Object.fromEntries(adapters.map((a) => [a.platform, a.capabilities])),
  });
  sender.start();
  deliveries.start();
  const scheduler = createScheduler({
    db,
    log: childLogger(log, { component: 'scheduler' }),
    reports: digestReports,
    retention: retentionPolicy(config),
    onOutbox: changed,
  });
  const sealer = createAuditSealer({
    db,
    log: childLogger(log, { component: 'audit-sealer' }),
    key: config.STOCKTAKE_AUDIT_KEY ?? null,
    headFile: auditHeadFile(config),
  });
  const statistics = createStatisticsKeeper({ db, kind: database.kind, log: childLogger(log, { component: 'statistics' }) });
  const started: RunnableAdapter[] = [];
  try {
    for (const adapter of adapters) {
      await adapter.start(dispatch);
      started.push(adapter);
      log('info', 'adapter started', { platform: adapter.platform });
    }
  } catch (error) {
    await Promise.allSettled(started.map((a) => a.stop()));
    await sender.stop();
    await deliveries.stop();
    await database.close();
    throw error;
  }
  // After the adapters, so that what start catches up (slots missed while no instance ran) goes out at once.
  scheduler.start();
  sealer.start();
  centreSync.start();
  statistics.start();
  return {
    database,
    sender,
    deliveries,
    scheduler,
    sealer,
    centreSync,
    statistics,
    secret,
    platforms: adapters.map((a) => a.platform),
    platformHealth: () => Object.fromEntries(started.map((a) => [a.platform, a.health()])),
    async stop() {
      await statistics.stop();
      await centreSync.stop();
      await scheduler.stop();
      await Promise.allSettled(started.map((a) => a.stop()));
      await sender.stop();
      await deliveries.stop();
      // Last, so what the adapters and jobs wrote while stopping is sealed before the database closes.
      await sealer.stop();
      await sealer.runOnce().catch((error: unknown) => log('warn', 'sealing the audit chain at stop failed', { error }));
      await database.close();
    },
  };
}

/**
 * Opens the database, waiting for a Postgres server that is not up yet (started together with this
 * process, or restarting): an orchestrator need not order the two. A refusal no wait fixes (a wrong
 * password, a missing database) fails at once.
 */
async function openWhenReachable(target: DatabaseTarget, log: Logger): Promise<Database> {
  const open = () =>
    openDatabase(target, {
      onStaleLock: (stale, message) => log('warn', message, { dataDir: stale.dataDir, deadPid: stale.pid, reason: stale.reason }),
    });
  // PGlite is in this process: nothing to wait for.
  if (target.kind !== 'postgres') return open();
  return retryWhileUnavailable(open, {
    firstDelayMs: 500,
    maxDelayMs: 10_000,
    onWait: (error, delay) => log('warn', 'the database is unreachable; waiting for it', { retryInMs: delay, error }),
  });
}
