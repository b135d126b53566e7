/**
 * GET /count/:stocktake — the phone counting page (扫码盘点) for a person holding a counting role in the
 * stocktake's warehouse. The server decides who may count and renders the page's frame in their language;
 * the script (src/http/browser/counting.ts, bundled into /assets/counting/) does the scanning, the
 * offline queue and the calls to /api/v1/stocktakes/{st}/scan…. Someone who may not count here (no
 * counting role; counting over, or in review with no recount for them) gets a page that says why and whom to ask.
 */
import { icon } from '../../../cards/render/icons.ts';
import { COUNTING_ROLES, holdsAnyOf } from '../../domain/people.ts';
import { getPerson, rolesOf, supervisorsOf } from '../../services/people.ts';
import { countingFor } from '../../services/scans.ts';
import { getStocktake, type StocktakeRef } from '../../services/stocktakes.ts';
import { esc } from '../layout.ts';
import { COUNTING_CSS_PATH, COUNTING_SCRIPT_PATH } from './countingAssets.ts';
import { countingWords, fill, type CountingWords } from './countingWords.ts';
import type { PageContext, PageResult } from './shared.ts';
import { thumbnail } from './photosSection.ts';
import { listPhotos } from '../../services/photos.ts';

/** The page's address for a stocktake (links from the stocktake page, the console and cards). */
export const countingPageUrl = (code: string): string => `/count/${encodeURIComponent(code)}`;

/** Who to ask for a role or a recount: the warehouse's supervisors by name, else "a supervisor or admin". */
async function whoToAsk(p: PageContext, st: StocktakeRef, w: CountingWords): Promise<string> {
  const ids = await supervisorsOf(p.deps.db, st.warehouseId);
  const names = await Promise.all(ids.slice(0, 3).map(async (id) => (await getPerson(p.deps.db, id)).name));
  return names.length ? names.join(p.locale === 'en' ? ', ' : '、') : w.askSupervisor;
}

function refusal(p: PageContext, st: StocktakeRef, w: CountingWords, message: string): PageResult {
  return {
    title: w.cannotCountTitle,
    active: 'stocktakes',
    status: 403,
    body: `<h1>${esc(w.cannotCountTitle)}</h1>
<p class="notice bad" role="alert" id="refusal-text">${esc(message)}</p>
<p><a class="btn" href="/stocktakes/${encodeURIComponent(st.code)}">${esc(w.backToStocktake)}</a></p>`,
  };
}

export async function countingPage(p: PageContext): Promise<PageResult> {
  const { db } = p.deps;
  const w = countingWords(p.locale);
  const st = await getStocktake(db, p.c.req.param('stocktake') ?? '');
  const roles = await rolesOf(db, p.actor.personId, st.warehouseId);
  const photoOf = p.c.req.query('photo');
  if (photoOf) return linePhotoPage(p, st, w, roles.size > 0, photoOf, p.c.req.query('location') ?? '');
  if (!holdsAnyOf(roles, COUNTING_ROLES)) {
    // Someone with no role at all learns nothing about the warehouse, as on the stocktake page.
    if (roles.size === 0) return refusal(p, st, w, p.t.errors.stocktakeForbidden(st.code));
    return refusal(p, st, w, fill(w.noRole, { warehouse: st.warehouseCode, code: st.code, people: await whoToAsk(p, st, w) }));
  }
  // In review only a recount sent back to this person may still be counted here.
  const recounting =
    st.status === 'reviewing' &&
    (await countingFor(db, st.code, p.actor).then(
      () => true,
      () => false,
    ));
  if (st.status !== 'counting' && !recounting) {
    return refusal(
      p,
      st,
      w,
      fill(st.status === 'reviewing' ? w.noRecount : w.notCounting, {
        code: st.code,
        status: p.t.states.stocktake[st.status],
        people: await whoToAsk(p, st, w),
      }),
    );
  }
  const config = {
    stocktake: st.code,
    locale: p.locale,
    words: w,
    icons: { minus: icon('minus'), plus: icon('plus') },
  };
  // JSON inside <script>: "</script>" or "<!--" in a word must not end the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const body = `<div class="counting">
<h1>${icon('barcode')} ${esc(w.title)} <span class="muted">${esc(st.code)} · ${esc(st.warehouseCode)}</span></h1>
${st.blind ? `<p class="badge">${esc(w.blind)}</p>` : ''}
<p id="message" class="notice" role="status" aria-live="polite" hidden></p>
<section id="pick">
<h2>${esc(w.pickLocation)}</h2>
<form id="location-form" class="scanrow"><input type="text" name="location" aria-label="${esc(w.locationLabel)}" placeholder="${esc(w.locationPlaceholder)}" autocomplete="off" autocapitalize="characters" enterkeyhint="go" required><button class="btn btn--primary">${esc(w.start)}</button></form>
<p id="no-locations" class="muted" hidden>${esc(w.noLocations)}</p>
<ul id="locations" class="locations"></ul>
</section>
<section id="count" hidden>
<div class="count__head"><span>${esc(w.location)} <strong id="location-name"></strong></span><button type="button" class="btn" id="change-location">${esc(w.changeLocation)}</button></div>
<p id="queue-status" class="queue-status" role="status" data-queued="0" data-offline="false"></p>
<form id="scan-form" class="scanrow"><input type="text" id="scan" name="code" aria-label="${esc(w.scanLabel)}" placeholder="${esc(w.scanPlaceholder)}" autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="enter"><button class="btn btn--primary">${esc(w.add)}</button></form>
<div class="tools">
<button type="button" class="btn" id="camera" aria-pressed="false">${icon('camera')} ${esc(w.camera)}</button>
<label class="btn">${icon('camera')} ${esc(w.takePhoto)}<input type="file" class="photo-input" id="photo-camera" accept="image/*" capture="environment"></label>
<label class="btn">${icon('image')} ${esc(w.fromGallery)}<input type="file" class="photo-input" id="photo-gallery" accept="image/*"></label>
</div>
<div id="camera-view" class="camera" hidden><video muted playsinline></video><button type="button" class="btn" id="camera-stop">${esc(w.cameraStop)}</button></div>
<h2>${esc(w.lines)}</h2>
<p id="no-lines" class="muted">${esc(w.noLines)}</p>
<ul id="lines" class="lines"></ul>
<div id="photos" class="photos" aria-label="${esc(w.photos)}"></div>
<div class="count__done">
<button type="button" class="btn btn--primary" id="done">${icon('check')} ${esc(w.done)}</button>
<div id="done-confirm" class="notice" hidden><p id="done-question"></p><button type="button" class="btn btn--primary" id="done-yes">${esc(w.done)}</button> <button type="button" class="btn" id="done-no">${esc(w.cancel)}</button></div>
<div id="result" class="notice ok" role="status" hidden><p id="result-text"></p><p id="result-hint" class="muted" hidden>${esc(w.conflictHint)}</p><button type="button" class="btn" id="next-location">${esc(w.changeLocation)}</button></div>
</div>
</section>
<dialog id="qty-dialog"><form method="dialog"><h2></h2>
<label>${esc(w.qtyLabel)}<input type="text" name="qty" inputmode="decimal" autocomplete="off" enterkeyhint="done"></label>
<label>${esc(w.unitLabel)}<select name="unit"></select></label>
<p class="dialog__buttons"><button class="btn btn--primary" value="ok">${esc(w.ok)}</button> <button class="btn" value="cancel" formnovalidate>${esc(w.cancel)}</button></p></form></dialog>
</div>
<script type="application/json" id="counting-config">${json}</script>`;
  return {
    title: `${w.title} · ${st.code}`,
    active: 'stocktakes',
    body,
    head: `<link rel="stylesheet" href="${COUNTING_CSS_PATH}">\n<script type="module" src="${COUNTING_SCRIPT_PATH}"></script>`,
  };
}

/**
 * The "Add photo" step a variance card opens (?photo=SKU&location=LOC): the line's photos and the camera or
 * gallery to add one. Evidence is anyone's with a role in the warehouse (a supervisor explaining a line, not
 * only its counter), until the stocktake is posted or cancelled.
 */
async function linePhotoPage(
  p: PageContext,
  st: StocktakeRef,
  w: CountingWords,
  member: boolean,
  sku: string,
  location: string,
): Promise<PageResult> {
  if (!member) return refusal(p, st, w, p.t.errors.stocktakeForbidden(st.code));
  if (st.status === 'posted' || st.status === 'cancelled')
    return refusal(p, st, w, fill(w.linePhotoClosed, { code: st.code, status: p.t.states.stocktake[st.status] }));
  const line = location ? `${sku}@${location}` : sku;
  const photos = await listPhotos(p.deps.db, st.id, { sku, location });
  const words = {
    added: w.linePhotoAdded,
    already: w.linePhotoAlready,
    sending: w.photoSending,
    failed: w.photoFailed,
    offline: w.photoOffline,
  };
  const upload = `/api/v1/stocktakes/${encodeURIComponent(st.code)}/photos?line=${encodeURIComponent(line)}`;
  const body = `<div class="counting line-photo" data-line="${esc(line)}">
<h1>${icon('camera')} ${esc(w.linePhotoTitle)} <span class="muted">${esc(line)} · ${esc(st.code)}</span></h1>
<p id="message" class="notice" role="status" aria-live="polite" hidden></p>
<div class="tools">
<label class="btn btn--primary">${icon('camera')} ${esc(w.takePhoto)}<input type="file" class="photo-input" id="photo-camera" accept="image/*" capture="environment"></label>
<label class="btn">${icon('image')} ${esc(w.fromGallery)}<input type="file" class="photo-input" id="photo-gallery" accept="image/*"></label>
</div>
<h2>${esc(w.linePhotos)}</h2>
<p id="no-photos" class="muted"${photos.length ? ' hidden' : ''}>${esc(w.noLinePhotos)}</p>
<div id="photos" class="thumbs">${photos.map((ph) => thumbnail(ph, line, 112)).join('')}</div>
<p><a class="btn" href="/stocktakes/${encodeURIComponent(st.code)}#photos">${esc(w.backToStocktake)}</a></p>
</div>
<script>
(() => {
  const words = ${JSON.stringify(words).replace(/</g, '\\u003c')};
  const line = ${JSON.stringify(line).replace(/</g, '\\u003c')};
  const message = document.getElementById('message');
  const say = (text, tone) => { message.textContent = text; message.className = 'notice' + (tone ? ' ' + tone : ''); message.hidden = false; };
  const fill = (t, v) => t.replace(/\\{(\\w+)\\}/g, (m, k) => (k in v ? String(v[k]) : m));
  for (const input of document.querySelectorAll('.photo-input')) {
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      input.value = '';
      if (!file) return;
      say(words.sending);
      try {
        const res = await fetch(${JSON.stringify(upload)}, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream', accept: 'application/json' } });
        const body = await res.json().catch(() => ({}));
        if (!res.ok) {
          const e = body.error || {};
          say(fill(words.failed, { reason: (e.localized && e.localized[document.documentElement.lang]) || e.message || 'HTTP ' + res.status }), 'bad');
          return;
        }
        if (body.added) {
          const a = document.createElement('a');
          a.className = 'thumb'; a.href = '/api/v1/photos/' + body.sha256; a.target = '_blank';
          const img = document.createElement('img');
          img.src = a.href + '/thumbnail'; img.alt = line; img.style.maxWidth = img.style.maxHeight = '112px';
          a.append(img);
          document.getElementById('photos').append(a);
          document.getElementById('no-photos').hidden = true;
        }
        say(fill(body.added ? words.added : words.already, { line, photos: body.photos }), 'ok');
      } catch (error) {
        say(words.offline, 'bad');
      }
    });
  }
})();
</script>`;
  return {
    title: `${w.linePhotoTitle} · ${line}`,
    active: 'stocktakes',
    body,
    head: `<link rel="stylesheet" href="${COUNTING_CSS_PATH}">`,
  };
}
