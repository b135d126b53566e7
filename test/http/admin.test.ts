/**
 * The console's admin pages: each is an admin's (403 for anyone else, and per warehouse where the change
 * is a warehouse's), answers bad input with what is wrong in the page's language, and records changes in
 * the audit trail under the admin's name.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Db } from '../../db/client.ts';
import { mountPages } from '../../src/http/pages/index.ts';
import { bindChat } from '../../src/services/chats.ts';
import { authenticate } from '../../src/services/credentials.ts';
import { getCause } from '../../src/services/causes.ts';
import { addPerson, findPerson, grantRole } from '../../src/services/people.ts';
import { policyOf } from '../../src/services/policy.ts';
import { listSchedules } from '../../src/services/schedules.ts';
import { addWarehouse, getWarehouse } from '../../src/services/warehouses.ts';
import { describeEachDatabase } from '../support/db.ts';
import { seedWarehouse } from '../support/fixtures.ts';
import { seedPeople } from '../support/flow.ts';
import { testHttp } from '../support/http.ts';

async function setup(db: Db) {
  await seedWarehouse(db);
  const people = await seedPeople(db);
  const http = await testHttp(db, [mountPages]);
  const post = (person: string, path: string, fields: Record<string, string>) =>
    http.as(person, path, { method: 'POST', body: new URLSearchParams(fields) });
  const upload = (person: string, path: string, name: string, text: string, fields: Record<string, string> = {}) => {
    const body = new FormData();
    body.set('file', new File([text], name, { type: 'text/csv' }));
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return http.as(person, path, { method: 'POST', body });
  };
  return { http, people, post, upload };
}

async function html(response: Response | Promise<Response>, status = 200): Promise<string> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text.slice(0, 800)).toBe(status);
  return text;
}

const lastAudit = async (db: Db, action: string) =>
  (
    await queryRows<{ identity: string; after: unknown }>(
      db,
      sql`select actor_identity as identity, after from audit_log where action = ${action} order by id desc limit 1`,
    )
  )[0];

describeEachDatabase('admin pages', (get) => {
  it('links the admin pages for admins only and refuses every one of them to anyone else', async () => {
    const { db } = get();
    const { http, post, upload } = await setup(db);
    const home = await html(http.as('ann', '/admin'));
    expect(home).toContain('<a href="/admin" aria-current="page">Admin</a>');
    for (const path of ['/people', '/admin/imports', '/admin/causes', '/admin/settings', '/admin/schedules', '/admin/access'])
      expect(home).toContain(`href="${path}"`);
    expect(await html(http.as('ann', '/admin?lang=zh'))).toContain('>管理</a>');
    expect(await html(http.as('sam', '/stocktakes'))).not.toContain('href="/admin"');

    for (const path of [
      '/admin',
      '/admin/imports',
      '/admin/causes',
      '/admin/settings',
      '/admin/schedules',
      '/admin/access',
      '/people/carl',
    ])
      expect(await html(http.as('sam', path), 403)).toContain('Only admins use the administration pages');
    expect((await post('sam', '/people/add', { handle: 'lee' })).status).toBe(403);
    expect((await post('sam', '/people/carl/link-code', {})).status).toBe(403);
    expect((await post('carl', '/admin/causes', { code: 'x_y', labelZh: '某', labelEn: 'Some', appliesTo: 'both' })).status).toBe(403);
    expect((await post('sam', '/admin/settings', { warehouse: 'WH1', financeThreshold: '1' })).status).toBe(403);
    expect((await post('mo', '/admin/access', { kind: 'api_key', person: 'mo' })).status).toBe(403);
    expect((await upload('sam', '/admin/imports/items', 'items.csv', 'sku,name,unit,unit_cost\nX-1,X,pcs,1\n')).status).toBe(403);
    expect(await findPerson(db, 'lee')).toBeNull();
    expect(await findPerson(db, 'X-1')).toBeNull();

    // A form posted from another site is refused before it reaches the page (the app's CSRF check).
    const crossSite = await http.as('ann', '/people/add', {
      method: 'POST',
      body: new URLSearchParams({ handle: 'lee' }),
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(await findPerson(db, 'lee')).toBeNull();
  });

  it('adds a person, renames them, adds and removes identities, and names bad input in both languages', async () => {
    const { db } = get();
    const { http, post } = await setup(db);
    const added = await post('ann', '/people/add', { handle: 'Lee', name: 'Lee Lei', identity: 'telegram:555' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/people/lee?done=added');
    const page = await html(http.as('ann', '/people/lee?done=added'));
    expect(page).toContain('lee was added.');
    expect(page).toContain('telegram:555');
    expect(await html(http.as('ann', '/people'))).toContain('href="/people/lee"');
    expect(await lastAudit(db, 'person.saved')).toMatchObject({ identity: 'web:ann' });

    expect((await post('ann', '/people/lee/name', { name: '李雷' })).status).toBe(303);
    expect((await findPerson(db, 'lee'))!.name).toBe('李雷');
    // Their own language: answers to them, their direct messages and their console speak it.
    expect((await post('ann', '/people/lee/language', { locale: 'en' })).headers.get('location')).toBe('/people/lee?done=language');
    expect((await findPerson(db, 'lee'))!.locale).toBe('en');
    expect(await html(http.as('ann', '/people/lee?done=language'))).toMatch(/<option value="en" selected>/);
    expect(await lastAudit(db, 'person.language')).toMatchObject({ identity: 'web:ann' });
    expect((await post('ann', '/people/lee/language', { locale: 'auto' })).status).toBe(303);
    expect((await findPerson(db, 'lee'))!.locale).toBeNull();
    expect((await post('ann', '/people/lee/identities', { op: 'add', identity: 'feishu:ou_abc' })).headers.get('location')).toBe(
      '/people/lee?done=identityAdded&identity=feishu%3Aou_abc',
    );
    expect((await findPerson(db, 'feishu:ou_abc'))!.handle).toBe('lee');
    expect((await post('ann', '/people/lee/identities', { op: 'remove', identity: 'telegram:555' })).status).toBe(303);
    expect(await findPerson(db, 'telegram:555')).toBeNull();
    expect(await lastAudit(db, 'person.identity_removed')).toMatchObject({ identity: 'web:ann' });
    expect(await html(http.as('ann', '/people/lee?done=identityRemoved&identity=telegram:555'))).toContain('telegram:555 was removed.');

    expect(await html(post('ann', '/people/add', { handle: 'bad handle!' }), 400)).toContain(
      'handle may contain only letters, digits, &quot;_&quot;, &quot;.&quot; and &quot;-&quot;',
    );
    expect(
      await html(http.as('ann', '/people/add?lang=zh', { method: 'POST', body: new URLSearchParams({ handle: 'bad handle!' }) }), 400),
    ).toContain('未更改：');
    expect(
      await html(
        http.as('ann', '/people/add?lang=zh', { method: 'POST', body: new URLSearchParams({ handle: 'lee', identity: 'x' }) }),
        400,
      ),
    ).toContain('未更改： lee 已存在：请在下方编辑。');
    expect(await html(post('ann', '/people/add', { handle: 'lee' }), 400)).toContain('lee exists already');
    expect(await html(post('ann', '/people/lee/identities', { op: 'add', identity: 'whatsapp:1' }), 400)).toContain(
      'identity &quot;whatsapp:1&quot; is not of the form platform:id',
    );
    expect(
      await html(
        http.as('ann', '/people/carl/identities?lang=zh', {
          method: 'POST',
          body: new URLSearchParams({ op: 'add', identity: 'feishu:ou_abc' }),
        }),
        400,
      ),
    ).toContain('未更改：');
    expect(await html(post('ann', '/people/lee/identities', { op: 'remove', identity: 'cli:lee' }), 400)).toContain('it cannot be removed');
    expect(
      await html(
        http.as('ann', '/people/lee/identities?lang=zh', {
          method: 'POST',
          body: new URLSearchParams({ op: 'remove', identity: 'telegram:1' }),
        }),
        400,
      ),
    ).toContain('未更改： lee 没有身份 telegram:1');
  });

  it('lets an admin manage only people whose warehouses they administer', async () => {
    const { db } = get();
    const { post } = await setup(db);
    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    await addPerson(db, { handle: 'wes' });
    await grantRole(db, 'wes', 'admin', 'WH2');
    expect(await html(post('wes', '/people/ann/link-code', {}), 403)).toContain('wes may not manage ann, who holds roles in WH1');
    expect(await html(post('wes', '/people/ann/identities', { op: 'add', identity: 'telegram:666' }), 403)).toContain(
      'only an admin of WH1',
    );
    expect(await findPerson(db, 'telegram:666')).toBeNull();
    expect((await post('wes', '/admin/access', { kind: 'login', person: 'ann' })).status).toBe(403);
    expect(await html(post('wes', '/admin/settings', { warehouse: 'WH1', financeThreshold: '5' }), 403)).toContain(
      'Only an admin of WH1 may change this.',
    );
  });

  it('imports items, a book and movements with the summary the CLI prints, and refuses a bad file whole', async () => {
    const { db } = get();
    const { http, upload } = await setup(db);
    expect(await html(http.as('ann', '/admin/imports'))).toContain('enctype="multipart/form-data"');
    const items = await html(
      upload(
        'ann',
        '/admin/imports/items',
        'more-items.csv',
        'sku,name,unit,unit_cost,category,colour\nD-500,Bolt,pcs,0.10,parts,red\nD-600,Nut,pcs,0.05,parts,blue\n',
      ),
    );
    expect(items).toContain('Imported 2 item row(s) from more-items.csv (2 read, 0 skipped as invalid).');
    expect(items).toContain('Columns not read:');
    expect(await lastAudit(db, 'items.imported')).toMatchObject({ identity: 'web:ann' });

    const bad = 'sku,location,qty\nD-500,R9,5\nNOPE,R9,1\nD-600,R9,abc\n';
    const refused = await html(upload('ann', '/admin/imports/book', 'book.csv', bad, { warehouse: 'WH1' }), 400);
    expect(refused).toContain(
      'Not changed: book.csv: 2 invalid line(s); nothing was imported; fix them and upload the file again, or tick “Skip invalid lines”',
    );
    expect(refused).toContain('data-problem-line="3"');
    expect(refused).toContain('data-problem-line="4"');
    const zh = await html(
      http.as('ann', '/admin/imports/book?lang=zh', { method: 'POST', body: form('book.csv', bad, { warehouse: 'WH1' }) }),
      400,
    );
    expect(zh).toContain('未更改： book.csv：有 2 行无效，未导入任何内容，请修正后重新上传，或勾选“跳过无效行”');
    expect(zh).toContain('<th>问题</th>');
    const onHand = await queryRows(db, sql`select 1 from on_hand where sku = 'D-500'`);
    expect(onHand).toHaveLength(0);

    const skipped = await html(upload('ann', '/admin/imports/book', 'book.csv', bad, { warehouse: 'WH1', skipInvalid: '1' }));
    expect(skipped).toContain('Imported 1 book row(s) from book.csv (3 read, 2 skipped as invalid).');
    expect(skipped).toContain('Skipped lines:');

    const moved = await html(
      upload(
        'ann',
        '/admin/imports/movements',
        'moves.csv',
        'sku,location,qty,kind,ref,occurred_at\nD-500,R9,-2,issue,SO-1,2026-01-02 10:00\n',
        {
          warehouse: 'WH1',
        },
      ),
    );
    expect(moved).toContain('Imported 1 movement row(s) from moves.csv (1 read, 0 skipped as invalid).');
    expect(await lastAudit(db, 'movements.imported')).toMatchObject({ identity: 'web:ann' });

    await addWarehouse(db, { code: 'WH2', name: 'Second', timezone: 'Asia/Shanghai' });
    expect(
      await html(upload('ann', '/admin/imports/book', 'book.csv', 'sku,location,qty\nD-500,R1,1\n', { warehouse: 'WH2' }), 403),
    ).toContain('Only an admin of WH2 may change this.');
    expect(await html(http.as('ann', '/admin/imports/items', { method: 'POST', body: new FormData() }), 400)).toContain(
      'Choose a file to upload.',
    );
    // A file over the upload limit (1 MB here) is refused before it is read: the page again, saying why.
    const huge = `sku,name,unit,unit_cost\n${'X-1,X,pcs,1\n'.repeat(120_000)}`;
    const tooBig = await html(upload('ann', '/admin/imports/items', 'huge.csv', huge), 413);
    expect(tooBig).toMatch(/<form[^>]+action="\/admin\/imports\/items"/);
    expect(tooBig).toContain('The file is larger than 1.0 MB.');
  });

  it('edits and adds causes, refusing a bad code in the page language', async () => {
    const { db } = get();
    const { http, post } = await setup(db);
    const page = await html(http.as('ann', '/admin/causes'));
    expect(page).toContain('data-cause="damage"');
    const saved = await post('ann', '/admin/causes', {
      code: 'damage',
      labelZh: '损坏',
      labelEn: 'Damaged',
      appliesTo: 'loss',
      noteRequired: '1',
      active: '1',
    });
    expect(saved.status).toBe(303);
    expect(await html(http.as('ann', saved.headers.get('location')!))).toContain('Cause damage was saved.');
    expect(await getCause(db, 'damage')).toMatchObject({ labelZh: '损坏', labelEn: 'Damaged', noteRequired: true, active: true });
    expect(
      (await post('ann', '/admin/causes', { code: 'pest', labelZh: '虫害', labelEn: 'Pests', appliesTo: 'loss', active: '1' })).status,
    ).toBe(303);
    expect(await getCause(db, 'pest')).toMatchObject({ appliesTo: 'loss', noteRequired: false });
    expect(await lastAudit(db, 'cause.saved')).toMatchObject({ identity: 'web:ann' });

    expect(await html(post('ann', '/admin/causes', { code: 'Bad Code', labelZh: '坏', labelEn: 'Bad', appliesTo: 'both' }), 400)).toContain(
      'cause code &quot;Bad Code&quot; must be lower-case letters',
    );
    expect(
      await html(
        http.as('ann', '/admin/causes?lang=zh', {
          method: 'POST',
          body: new URLSearchParams({ code: 'ok_code', labelZh: '', labelEn: 'X', appliesTo: 'both' }),
        }),
        400,
      ),
    ).toContain('原因需要同时填写中文名称和英文名称');
  });

  it('saves tolerances and thresholds, naming every wrong value in the page language', async () => {
    const { db } = get();
    const { http, post } = await setup(db);
    expect(await html(http.as('ann', '/admin/settings'))).toContain('data-warehouse="WH1"');
    const fields = {
      warehouse: 'WH1',
      toleranceValue: '5',
      tolerancePercent: '',
      financeThreshold: '2000',
      managerThreshold: '20000.50',
      currency: 'cny',
      reviewSlaHours: '48',
      approvalSlaHours: '12',
    };
    const saved = await post('ann', '/admin/settings', fields);
    expect(saved.status).toBe(303);
    expect(await html(http.as('ann', saved.headers.get('location')!))).toContain('The settings of WH1 were saved.');
    const policy = await policyOf(db, (await getWarehouse(db, 'WH1')).id);
    expect(policy).toMatchObject({
      toleranceValue: '5.00',
      tolerancePercent: null,
      financeThreshold: '2000.00',
      managerThreshold: '20000.50',
      reviewSlaHours: 48,
    });
    expect(await lastAudit(db, 'policy.changed')).toMatchObject({ identity: 'web:ann' });

    const wrong = { ...fields, financeThreshold: '-1', managerThreshold: 'lots', reviewSlaHours: '0', currency: 'yuan' };
    const en = await html(post('ann', '/admin/settings', wrong), 400);
    expect(en).toContain('Finance threshold: &quot;-1&quot; is not a non-negative amount');
    expect(en).toContain('Manager threshold: &quot;lots&quot;');
    expect(en).toContain('Review time limit (hours): &quot;0&quot; is not a whole number of hours');
    expect(en).toContain('Currency: &quot;yuan&quot; is not a 3-letter code');
    const zh = await html(
      http.as('ann', '/admin/settings?lang=zh', { method: 'POST', body: new URLSearchParams({ ...fields, managerThreshold: '100' }) }),
      400,
    );
    expect(zh).toContain('经理审批阈值不能低于财务审批阈值。');
    expect((await policyOf(db, (await getWarehouse(db, 'WH1')).id)).financeThreshold).toBe('2000.00');
  });

  it('changes the report schedule of a digest chat and explains a bad cron', async () => {
    const { db } = get();
    const { http, post, people } = await setup(db);
    await bindChat(db, people.ann, { platform: 'web', chatId: 'digest', warehouse: 'WH1', purpose: 'digest', locale: 'en' });
    const page = await html(http.as('ann', '/admin/schedules'));
    expect(page).toContain('data-chat="web:digest" data-job="daily"');
    const saved = await post('ann', '/admin/schedules', {
      chat: 'web:digest',
      job: 'daily',
      cron: '30 8 * * 1-5',
      timezone: 'Asia/Shanghai',
      enabled: '1',
    });
    expect(saved.status).toBe(303);
    expect(await html(http.as('ann', saved.headers.get('location')!))).toContain('The Daily digest schedule of web:digest was saved.');
    expect(
      (await post('ann', '/admin/schedules', { chat: 'web:digest', job: 'weekly', cron: '0 9 * * 1', timezone: 'Asia/Shanghai' })).status,
    ).toBe(303);
    const schedules = await listSchedules(db, { platform: 'web', chatId: 'digest' });
    expect(schedules.map((s) => [s.job, s.cron, s.enabled])).toEqual([
      ['daily', '30 8 * * 1-5', true],
      ['monthly', '0 9 1 * *', true],
      ['weekly', '0 9 * * 1', false],
    ]);
    expect(await lastAudit(db, 'schedule.set')).toMatchObject({ identity: 'web:ann' });

    const en = await html(
      post('ann', '/admin/schedules', { chat: 'web:digest', job: 'daily', cron: '0 9 * *', timezone: 'Asia/Shanghai', enabled: '1' }),
      400,
    );
    expect(en).toContain('cron &quot;0 9 * *&quot; has 4 field(s)');
    const zh = await html(
      http.as('ann', '/admin/schedules?lang=zh', {
        method: 'POST',
        body: new URLSearchParams({ chat: 'web:digest', job: 'daily', cron: '0 9 * * *', timezone: 'Mars/Base', enabled: '1' }),
      }),
      400,
    );
    expect(zh).toContain('未更改：');
    expect(zh).toContain('Mars/Base');
  });

  it('creates an API key and a sign-in link shown once, lists them by prefix, and revokes', async () => {
    const { db } = get();
    const { http, post } = await setup(db);
    const created = await html(post('ann', '/admin/access', { kind: 'api_key', person: 'carl', label: 'scanner', expiresInDays: '30' }));
    const secret = /value="(stk_[^"]+)"/.exec(created)![1]!;
    expect(created).toContain('API key for carl created. Copy it now');
    expect((await authenticate(db, 'api_key', secret))?.handle).toBe('carl');
    expect(await lastAudit(db, 'credential.created')).toMatchObject({ identity: 'web:ann' });
    const link = await html(post('ann', '/admin/access', { kind: 'login', person: 'sam' }));
    expect(link).toMatch(/value="http:\/\/localhost\/login\?token=stl_[^"]+"/);

    const list = await html(http.as('ann', '/admin/access'));
    expect(list).toContain(`data-credential="${secret.slice(0, 10)}"`);
    expect(list).not.toContain(secret);
    const id = /name="id" value="([^"]+)"/.exec(list.slice(list.indexOf(`data-credential="${secret.slice(0, 10)}"`)))![1]!;
    const revoked = await post('ann', '/admin/access/revoke', { id });
    expect(revoked.status).toBe(303);
    expect(await html(http.as('ann', revoked.headers.get('location')!))).toContain(`${secret.slice(0, 10)}… was revoked.`);
    expect(await authenticate(db, 'api_key', secret)).toBeNull();
    expect(await lastAudit(db, 'credential.revoked')).toMatchObject({ identity: 'web:ann' });

    expect(await html(post('ann', '/admin/access', { kind: 'api_key', person: 'carl', expiresInDays: 'soon' }), 400)).toContain(
      'Expiry: &quot;soon&quot; is not a whole number of days',
    );
    expect(
      await html(
        http.as('ann', '/admin/access?lang=zh', {
          method: 'POST',
          body: new URLSearchParams({ kind: 'api_key', person: 'carl', expiresInDays: '0' }),
        }),
        400,
      ),
    ).toContain('有效天数：“0”不是 1 到 3650 之间的整数。');
  });
});

function form(name: string, text: string, fields: Record<string, string>): FormData {
  const body = new FormData();
  body.set('file', new File([text], name, { type: 'text/csv' }));
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return body;
}
