import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createAuditSealer } from '../../src/jobs/auditSealer.ts';
import { appendAudit, OPERATOR } from '../../src/services/audit.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { describeEachDatabase } from '../support/db.ts';
import { waitFor } from '../support/wait.ts';

describeEachDatabase('the audit sealer loop', (get) => {
  it('seals what writers commit while it runs, and stops cleanly', async () => {
    const { db } = get();
    const sealer = createAuditSealer({ db, log: silentLogger, key: 'a-test-key-that-is-long-enough', intervalMs: 10 });
    sealer.start();
    try {
      for (let i = 0; i < 5; i++)
        await db.transaction((tx) =>
          appendAudit(tx, OPERATOR, null, new Date(), [{ action: 'test.write', entityType: 'test', entityId: `e${i}` }]),
        );
      await waitFor(
        async () => (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log where seq is null`))[0]!.n === 0,
        {
          what: 'every row sealed',
        },
      );
    } finally {
      await sealer.stop();
    }
    expect(await verifyAudit(db, { key: 'a-test-key-that-is-long-enough' })).toMatchObject({ ok: true, rows: 5, unsealed: 0 });
  });
});
