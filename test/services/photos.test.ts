/**
 * Photo evidence: a photo attached to a line is stored once by its hash with an upright thumbnail, audited
 * with that hash, visible only to people with a role in the warehouse, and refused in words when it is not
 * a photo, too large or damaged.
 */
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { InvalidInputError, NotAllowedError } from '../../src/domain/errors.ts';
import { sealAudit } from '../../src/services/auditSeal.ts';
import { verifyAudit } from '../../src/services/auditVerify.ts';
import { addPerson, cliActor } from '../../src/services/people.ts';
import { addPhoto, listPhotos, readPhoto } from '../../src/services/photos.ts';
import { addNote } from '../../src/services/review.ts';
import { describeEachDatabase } from '../support/db.ts';
import { countedStocktake, explainAll } from '../support/flow.ts';
import { approvalCard } from '../../cards/templates/approval.ts';
import { documentView } from '../../src/core/views.ts';
import { submitVariances } from '../../src/services/documents.ts';
import { closeCounting } from '../../src/services/stocktakes.ts';

/** A 640×480 JPEG whose EXIF says "rotate 90°", as a phone held upright writes it. */
const phonePhoto = (shade = 120) =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: shade, g: 90, b: 60 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();

describeEachDatabase('photo evidence', (get) => {
  it('stores a photo once by its hash, with an upright thumbnail, and audits the hash', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const bytes = await phonePhoto();
    const first = await addPhoto(db, people.carl, { stocktake: st.code, line: 'A-100', bytes, source: 'api' });
    expect(first).toMatchObject({ stocktake: st.code, sku: 'A-100', location: 'R1', photos: 1, added: true });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The same picture again, from someone else: still one attachment, and one stored photo.
    const again = await addPhoto(db, people.sam, { stocktake: st.code, line: 'A-100@R1', bytes, source: 'telegram' });
    expect(again).toMatchObject({ photos: 1, added: false });
    const other = await addPhoto(db, people.sam, { stocktake: st.code, line: 'A-100', bytes: await phonePhoto(200), source: 'console' });
    expect(other).toMatchObject({ photos: 2, added: true });
    const [stored] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from photo`);
    expect(stored!.n).toBe(2);

    const photos = await listPhotos(db, st.id, { sku: 'A-100', location: 'R1' });
    expect(photos.map((p) => [p.addedBy, p.source, p.width, p.height])).toEqual([
      ['carl', 'api', 480, 640],
      ['sam', 'console', 480, 640],
    ]);
    const thumb = await readPhoto(db, people.carl.actor.personId, first.sha256, 'thumbnail');
    expect(thumb.mime).toBe('image/jpeg');
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([240, 320]); // upright, the longer side 320
    const full = await readPhoto(db, people.carl.actor.personId, first.sha256, 'full');
    expect(full.bytes.equals(bytes)).toBe(true);

    const audit = await queryRows<{ after: { sha256: string } }>(
      db,
      sql`select after from audit_log where action = 'photo.added' order by id`,
    );
    expect(audit.map((a) => a.after.sha256)).toEqual([first.sha256, other.sha256]);
    await sealAudit(db);
    expect(await verifyAudit(db)).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('shows photos only to people with a role in the warehouse', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const { sha256 } = await addPhoto(db, people.carl, { stocktake: st.code, line: 'C-400', bytes: await phonePhoto(), source: 'api' });
    await addPerson(db, { handle: 'visitor' });
    const visitor = await cliActor(db, 'visitor');
    await expect(readPhoto(db, visitor.personId, sha256, 'full')).rejects.toBeInstanceOf(NotAllowedError);
    await expect(
      addPhoto(db, { actor: visitor }, { stocktake: st.code, line: 'C-400', bytes: await phonePhoto(30), source: 'api' }),
    ).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses what is not a photo, too large or damaged, in both languages, and stores nothing', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    const attempt = (bytes: Uint8Array, maxBytes?: number) =>
      addPhoto(db, people.carl, { stocktake: st.code, line: 'A-100', bytes, source: 'api', ...(maxBytes ? { maxBytes } : {}) });
    await expect(attempt(Buffer.from('%PDF-1.7 delivery note'))).rejects.toMatchObject({
      localized: { en: expect.stringContaining('not a photo'), 'zh-CN': expect.stringContaining('不是照片') },
    });
    await expect(attempt(await phonePhoto(), 1000)).rejects.toMatchObject({ localized: { 'zh-CN': expect.stringContaining('最大允许') } });
    const cut = (await phonePhoto()).subarray(0, 300);
    await expect(attempt(cut)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt(await phonePhoto())).resolves.toMatchObject({ added: true });
    await expect(
      addPhoto(db, people.carl, { stocktake: st.code, line: 'NOPE-1', bytes: await phonePhoto(), source: 'api' }),
    ).rejects.toThrow(/no line/);
    const [stored] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from evidence_photo`);
    expect(stored!.n).toBe(1);
  });

  it('shows on the approval card each line with its note and photos right under it, in line-number order', async () => {
    const { db } = get();
    const { st, people } = await countedStocktake(db);
    await closeCounting(db, st.id, { actor: people.sam.actor });
    await addPhoto(db, people.carl, { stocktake: st.code, line: 'C-400', bytes: await phonePhoto(10), source: 'telegram' });
    await addPhoto(db, people.carl, { stocktake: st.code, line: 'C-400', bytes: await phonePhoto(200), source: 'telegram' });
    await addPhoto(db, people.carl, { stocktake: st.code, line: 'A-100', bytes: await phonePhoto(3), source: 'feishu' });
    await addNote(db, people.sam, { stocktake: st.code, line: 'C-400', note: 'crushed by the forklift' });
    await explainAll(db, st.code, people.sam);
    const { documents } = await submitVariances(db, people.sam, { stocktake: st.code });
    const loss = documents.find((d) => d.kind === 'loss')!;
    const view = await documentView(db, loss.id);
    expect(view.photos!.map((p) => [p.sku, p.photos])).toEqual([
      ['A-100', 1],
      ['C-400', 2],
    ]);
    // C-400 (−300.00) outweighs A-100 (−25.00), yet the card lists them as the document numbers them.
    expect(view.lines.map((l) => [l.lineNo, l.sku, l.note ?? null, l.photos])).toEqual([
      [1, 'A-100', null, 1],
      [2, 'C-400', 'crushed by the forklift', 2],
    ]);
    const card = approvalCard({ locale: 'zh-CN', timezone: 'Asia/Shanghai', act: () => ({ token: 'x'.repeat(22) }) }, view);
    const lines = card.elements.flatMap((el) => (el.type === 'markdown' && el.text.startsWith('**#') ? [el.text] : []));
    expect(lines).toEqual([
      expect.stringMatching(/^\*\*#1\*\* A-100 @ R1 · .*\n📷 1 张照片$/),
      expect.stringMatching(/^\*\*#2\*\* C-400 @ R4 · .*\n备注：crushed by the forklift · 📷 2 张照片$/),
    ]);
    // And links to them: a button opening the stocktake page's photos as the person who taps it.
    expect(card.elements).toContainEqual({ type: 'page', label: '查看照片', path: `/stocktakes/${st.code}#photos` });
  });
});
