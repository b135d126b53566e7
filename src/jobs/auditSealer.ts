/**
 * Every second, in every instance: seal new audit rows into the chain and write a checkpoint when one is
 * due (src/services/auditSeal.ts). Not a cron task: a second is below node-cron's grain and no slot needs
 * claiming — the sealer's own try-lock lets one instance seal while the others skip the pass instead of
 * queueing. A failed pass (database gone) is logged and the next one tries again.
 */
import type { Db } from '../../db/client.ts';
import type { Logger } from '../core/log.ts';
import { sealAudit, type SealOptions, type SealResult } from '../services/auditSeal.ts';
import { repeat, type Loop } from './loop.ts';

export const SEAL_INTERVAL_MS = 1_000;

export interface AuditSealer extends Loop {
  /** One pass now (tests, shutdown). */
  runOnce(): Promise<SealResult>;
}

export function createAuditSealer(
  options: { db: Db; log: Logger; intervalMs?: number } & Pick<SealOptions, 'key' | 'headFile' | 'now'>,
): AuditSealer {
  const { db, log } = options;
  const runOnce = () =>
    sealAudit(db, { key: options.key ?? null, headFile: options.headFile ?? null, ...(options.now ? { now: options.now } : {}) });
  const interval = options.intervalMs ?? SEAL_INTERVAL_MS;
  const loop = repeat({
    pass: async () => {
      const r = await runOnce();
      if (r.sealed > 0 || r.checkpoint)
        log('debug', 'audit sealed', { rows: r.sealed, checkpoint: r.checkpoint ? { n: r.checkpoint.n, seq: r.checkpoint.seq } : null });
      return true;
    },
    failed: (error) => log('warn', 'sealing the audit chain failed; retrying', { error }),
    intervalMs: interval,
    firstAfterMs: interval,
  });
  return { ...loop, runOnce };
}
