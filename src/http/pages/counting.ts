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
