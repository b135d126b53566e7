import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, openOwnDatabase } from '../support/cli.ts';
import { createStandaloneDatabase, databaseKinds } from '../support/db.ts';

const BIN = join(import.meta.dirname, '../../src/cli/bin.js');

for (const kind of databaseKinds()) {
  describe(`stocktake CLI [${kind}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-cli-'));
    let env: Record<string, string> = {};
    let drop: () => Promise<void> = async () => {};

    const cli = (...args: string[]) => runCli(env, ...args);

    const file = (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };

    beforeAll(async () => {
      const created = await createStandaloneDatabase(kind, join(dir, 'data'));
      env = created.env;
      drop = created.drop;
      expect((await cli('warehouse', 'add', 'WH1', '--name', 'Main', '--timezone', 'Asia/Shanghai')).code).toBe(0);
      const items = file(
        'items.csv',
        'sku,name,unit,unit_cost,category\nA-100,Widget,pcs,2.50,parts\nA-200,螺丝,box,12,parts\nB-300,Wire,kg,0.3333,cables\n',
      );
      expect((await cli('items', 'import', items)).code).toBe(0);
      const book = file('book.csv', 'sku,location,qty\nA-100,R1,100\nA-200,R2,20\nB-300,R3,50.5\n');
      expect((await cli('book', 'import', 'WH1', book)).code).toBe(0);
    });
    afterAll(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs the whole sequence: start, import counts, variances, status, close counting', async () => {
      const started = await cli('start', 'WH1', '--json');
      expect(started.code).toBe(0);
      const { id, code } = started.json();
      expect(code).toMatch(/^ST-\d{8}-\d{3}$/);

      const moved = file(
        'moves.csv',
        `sku,location,qty,kind,ref,occurred_at\nA-200,R2,5,receipt,PO-1,${new Date(Date.now() - 60_000).toISOString()}\n`,
      );
      expect((await cli('movements', 'import', 'WH1', moved)).code).toBe(0);

      const sheet = file(
        '盘点.csv',
        iconv.encode('物料编码,库位,实盘数量\r\nA-100,R1,60\r\nA-100,R1,38\r\nA-200,R2,"25"\r\nA-200,R9,1\r\n', 'gbk'),
      );
      const imported = await cli('counts', 'import', code, sheet, '--counter', 'alice', '--json');
      expect(imported.code).toBe(0);
      expect(imported.json()).toMatchObject({
        rowsRead: 4,
        rowsAccepted: 4,
        linesCounted: 3,
        counter: 'alice',
        round: 1,
        linesNotInBook: 1,
      });

      const variances = await cli('variances', id, '--json');
      expect(variances.json()).toEqual([
        {
          sku: 'A-100',
          location: 'R1',
          lot: '',
          expiry: null,
          bookQty: '100',
          movementQty: '0',
          expectedQty: '100',
          countedQty: '98',
          diffQty: '-2',
          diffValue: '-5.00',
          unitCost: '2.5',
          direction: 'loss',
          countStatus: 'counted',
        },
        {
          sku: 'A-200',
          location: 'R2',
          lot: '',
          expiry: null,
          bookQty: '20',
          movementQty: '5',
          expectedQty: '25',
          countedQty: '25',
          diffQty: '0',
          diffValue: '0.00',
          unitCost: '12',
          direction: 'match',
          countStatus: 'counted',
        },
        {
          sku: 'A-200',
          location: 'R9',
          lot: '',
          expiry: null,
          bookQty: '0',
          movementQty: '0',
          expectedQty: '0',
          countedQty: '1',
          diffQty: '1',
          diffValue: '12.00',
          unitCost: '12',
          direction: 'gain',
          countStatus: 'counted',
        },
        {
          sku: 'B-300',
          location: 'R3',
          lot: '',
          expiry: null,
          bookQty: '50.5',
          movementQty: '0',
          expectedQty: '50.5',
          countedQty: null,
          diffQty: null,
          diffValue: null,
          unitCost: '0.3333',
          direction: null,
          countStatus: 'uncounted',
        },
      ]);

      const human = await cli('variances', code.toLowerCase());
      expect(human.stdout).toMatch(/^sku\s+location\s+book\s+movements\s+expected\s+counted\s+diff\s+value/);
      expect(human.stdout).toContain('A-200  R9');

      const status = await cli('status', code, '--json');
      expect(status.json()).toMatchObject({
        code,
        status: 'counting',
        lines: { total: 4, counted: 3, uncounted: 1, conflict: 0 },
        variances: { gain: 1, loss: 1, match: 1, netValue: '7.00' },
      });

      const closed = await cli('close-counting', code);
      expect(closed.code).toBe(0);
      expect(closed.stdout).toContain('1 uncounted line(s) taken as zero');
      const after = (await cli('variances', code, '--json')).json();
      expect(after.find((v: { sku: string }) => v.sku === 'B-300')).toMatchObject({
        countedQty: '0',
        diffQty: '-50.5',
        diffValue: '-16.83',
        direction: 'loss',
        countStatus: 'uncounted',
      });
      expect((await cli('status', code)).stdout).toContain('reviewing');
    });

    it('exits 2 and lists every invalid line on stderr, and as {"errors":[...]} with --json', async () => {
      await cli('warehouse', 'add', 'WH3', '--timezone', 'UTC');
      const st = (await cli('start', 'WH3', '--json')).json().code;
      const bad = file('bad.csv', 'sku,qty\nA-100,-1\nNOPE,2\n');
      const plain = await cli('counts', 'import', st, bad);
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain('line 2, column qty: quantity "-1" is negative');
      expect(plain.stderr).toContain('line 3, column sku: sku NOPE is not in the item master');
      const json = await cli('counts', 'import', st, bad, '--json');
      expect(json.code).toBe(2);
      expect(json.json().errors).toMatchObject([
        { line: 2, column: 'qty', message: 'quantity "-1" is negative' },
        { line: 3, column: 'sku', message: expect.stringContaining('NOPE') },
      ]);
    });

    it('exits 2 for an unknown stocktake, a missing file and a usage error', async () => {
      expect((await cli('status', 'ST-19990101-001')).stderr).toContain('stocktake "ST-19990101-001" not found');
      expect((await cli('status', 'ST-19990101-001')).code).toBe(2);
      expect((await cli('items', 'import', join(dir, 'missing.csv'))).code).toBe(2);
      expect((await cli('counts', 'import')).code).toBe(2);
      expect((await cli('warehouse', 'add', 'W2', '--timezone', 'Mars/Olympus')).code).toBe(2);
    });

    it('imports the valid lines with --skip-invalid and exits 0', async () => {
      const added = await cli('warehouse', 'add', 'WH2', '--timezone', 'UTC');
      expect(added.code).toBe(0);
      const st = (await cli('start', 'WH2', '--json')).json().code;
      const result = await cli('counts', 'import', st, file('mixed.csv', 'sku,qty\nA-100,5\nA-100,x\n'), '--skip-invalid', '--json');
      expect(result.code).toBe(0);
      expect(result.json()).toMatchObject({ rowsAccepted: 1, rowsRejected: 1, problems: [{ line: 3, column: 'qty' }] });
    });
  });
}

describe('stocktake bin', () => {
  it('runs from the package bin (the build npm ci makes), and a second process on a busy data dir gets a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-bin-'));
    try {
      const { env } = await createStandaloneDatabase('pglite', join(dir, 'data'));
      const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('counts');
      const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
      expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version);
      // This test process holds the data directory; the CLI in another process must refuse it.
      const held = await openOwnDatabase({ kind: 'pglite', dataDir: env.STOCKTAKE_DATA_DIR! }, { migrate: false });
      try {
        const second = spawnSync(process.execPath, [BIN, 'list'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
        expect(second.status).toBe(1);
        expect(second.stderr).toContain(`in use by process ${process.pid}`);
      } finally {
        await held.close();
      }
      const after = spawnSync(process.execPath, [BIN, 'list', '--json'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
      expect(after.status).toBe(0);
      expect(JSON.parse(after.stdout)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
