/**
 * The counting page's script (served as /assets/counting/counting.js, built by scripts/build.mjs): pick a
 * location, scan into it (handheld scanner, typed code, or the camera), correct with +/− or a typed
 * quantity in any pack unit, add photos, and mark the location done. Every entry goes through the queue
 * (queue.ts), which keeps it in IndexedDB until the server has it.
 */
import { fill, type CountingWords } from '../pages/countingWords.ts';
import { ApiError, createApi, NetworkError, type Locale, type Lookup, type ScanContext, type ScanLine } from './api.ts';
import type { CameraScan } from './camera.ts';
import { entryForTotal, factorOf, fromScaled, inUnit, shownLines, toScaled, type ShownLine } from './lines.ts';
import { EntryQueue, type QueuedEntry, type QueueState } from './queue.ts';
import { askQuantity, unitOptions } from './dialog.ts';
import { addPhoto } from './photos.ts';
import { showQueueState } from './status.ts';
import { openEntryStore } from './store.ts';

interface PageConfig {
  stocktake: string;
  locale: Locale;
  words: CountingWords;
  icons: Record<'minus' | 'plus', string>;
}

const $ = <T extends HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
};

const config = JSON.parse($('#counting-config').textContent ?? '{}') as PageConfig;
const w = config.words;
const api = createApi(config.stocktake, config.locale);

let context: ScanContext | null = null;
let location: string | null = null;
let serverLines: ScanLine[] = [];
let waiting: QueuedEntry[] = [];
/** Items by every code they were looked up by, and by SKU. */
const items = new Map<string, Lookup>();
/** The unit chosen on each line (SKU → unit); absent: the base unit. */
const chosenUnit = new Map<string, string>();
let camera: CameraScan | null = null;

const els = {
  pick: $<HTMLElement>('#pick'),
  locations: $<HTMLUListElement>('#locations'),
  locationForm: $<HTMLFormElement>('#location-form'),
  count: $<HTMLElement>('#count'),
  locationName: $<HTMLElement>('#location-name'),
  status: $<HTMLElement>('#queue-status'),
  scanForm: $<HTMLFormElement>('#scan-form'),
  scan: $<HTMLInputElement>('#scan'),
  message: $<HTMLElement>('#message'),
  lines: $<HTMLUListElement>('#lines'),
  noLines: $<HTMLElement>('#no-lines'),
  cameraButton: $<HTMLButtonElement>('#camera'),
  cameraView: $<HTMLElement>('#camera-view'),
  video: $<HTMLVideoElement>('#camera-view video'),
  photos: $<HTMLElement>('#photos'),
  done: $<HTMLButtonElement>('#done'),
  doneConfirm: $<HTMLElement>('#done-confirm'),
  result: $<HTMLElement>('#result'),
  qtyDialog: $<HTMLDialogElement>('#qty-dialog'),
};

function say(text: string, tone: 'ok' | 'bad' | 'info' = 'info'): void {
  els.message.className = `notice ${tone === 'info' ? '' : tone}`.trim();
  els.message.textContent = text;
  els.message.hidden = false;
}

const reasonOf = (error: unknown): string =>
  error instanceof NetworkError ? w.networkDown : error instanceof ApiError ? error.message : String((error as Error)?.message ?? error);

// ---- the queue -------------------------------------------------------------------------------------

const queue = new EntryQueue({
  stocktake: config.stocktake,
  store: await openEntryStore(),
  send: (entries) => api.send(entries.map(({ stocktake: _st, ...entry }) => entry)),
  onState: (state) => {
    renderStatus(state);
    void refreshWaiting();
  },
  onAnswer: (outcome, sent) => {
    const body = outcome.body as { accepted: { id: string; sku: string }[]; locations?: { location: string; lines: ScanLine[] }[] };
    // A code the phone could not look up (offline) is now known by the SKU the server counted it as.
    const codeOf = new Map(sent.map((e) => [e.id, e.code]));
    for (const a of body.accepted) {
      const code = codeOf.get(a.id);
      const item = items.get(a.sku);
      if (code && item && !items.has(code)) items.set(code, item);
    }
    const here = body.locations?.find((l) => l.location === location);
    if (here) serverLines = here.lines;
    for (const r of outcome.rejected) {
      const text = r.localized?.[config.locale] ?? r.message;
      say(fill(w.rejected, { code: r.code, reason: text }), 'bad');
    }
    void refreshWaiting();
  },
});

function renderStatus(state: QueueState = queue.state): void {
  showQueueState(els.status, state, w);
}

async function refreshWaiting(): Promise<void> {
  waiting = await queue.waiting();
  renderLines();
}

addEventListener('online', () => void queue.online());
addEventListener('offline', () => renderStatus());
// The online event is not reliable on every phone: a timer tries again, and the age shown keeps moving.
setInterval(() => {
  renderStatus();
  if (queue.state.queued > 0 && !queue.state.sending && (queue.state.retryAt ?? 0) <= Date.now()) void queue.flush();
}, 5_000);

// ---- locations -------------------------------------------------------------------------------------

function renderLocations(): void {
  if (!context) return;
  els.locations.replaceChildren(
    ...context.locations.map((l) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn loc';
      button.dataset.location = l.location;
      const name = document.createElement('strong');
      name.textContent = l.location;
      const progress = document.createElement('small');
      progress.textContent = fill(w.locationProgress, { counted: l.counted, lines: l.lines }) + (l.doneByMe ? ` · ${w.doneByMe}` : '');
      button.append(name, progress);
      button.addEventListener('click', () => void openLocation(l.location));
      li.append(button);
      return li;
    }),
  );
  $('#no-locations').hidden = context.locations.length > 0;
}

async function loadContext(): Promise<void> {
  try {
    context = await api.context();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) say(w.signedOut, 'bad');
    else if (!(error instanceof NetworkError)) say(reasonOf(error), 'bad');
    return;
  }
  renderLocations();
}

async function openLocation(code: string): Promise<void> {
  const loc = code.trim();
  if (!loc) return;
  location = loc;
  serverLines = [];
  els.locationName.textContent = loc;
  els.pick.hidden = true;
  els.count.hidden = false;
  els.result.hidden = true;
  els.doneConfirm.hidden = true;
  els.message.hidden = true;
  els.photos.replaceChildren();
  const url = new URL(window.location.href);
  url.searchParams.set('location', loc);
  history.replaceState(null, '', url);
  els.scan.focus();
  await refreshWaiting();
  try {
    serverLines = (await api.entries(loc)).lines;
  } catch (error) {
    if (!(error instanceof NetworkError)) say(reasonOf(error), 'bad');
  }
  renderLines();
}

function closeLocation(): void {
  stopCamera();
  location = null;
  els.count.hidden = true;
  els.pick.hidden = false;
  const url = new URL(window.location.href);
  url.searchParams.delete('location');
  history.replaceState(null, '', url);
  void loadContext();
}

els.locationForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = els.locationForm.elements.namedItem('location') as HTMLInputElement;
  void openLocation(input.value);
  input.value = '';
});
$('#change-location').addEventListener('click', closeLocation);

// ---- scanning --------------------------------------------------------------------------------------

/** The item behind a code: from memory, else asked; undefined when the server cannot be reached. */
async function itemFor(code: string): Promise<Lookup | undefined> {
  const known = items.get(code) ?? items.get(code.toUpperCase());
  if (known) return known;
  try {
    const item = await api.lookup(code);
    items.set(code, item);
    items.set(item.sku, item);
    return item;
  } catch (error) {
    if (error instanceof NetworkError) return undefined;
    throw error;
  }
}

async function record(code: string, qty: string, unit: string | undefined, item: Lookup | undefined): Promise<void> {
  if (!location) return;
  const entry: QueuedEntry = { id: crypto.randomUUID(), stocktake: config.stocktake, location, code, qty, at: new Date().toISOString() };
  if (unit && item && unit !== item.unit) entry.unit = unit;
  await queue.add(entry);
  const sign = qty.startsWith('-') ? '' : '+';
  say(fill(w.added, { sku: item?.sku ?? code, qty: `${sign}${qty}`, unit: unit ?? item?.unit ?? '' }).trim(), 'ok');
}

async function scan(raw: string): Promise<void> {
  const code = raw.trim();
  if (!code || !location) return;
  let item: Lookup | undefined;
  try {
    item = await itemFor(code);
  } catch (error) {
    say(error instanceof ApiError && error.status === 404 ? `${error.message} ${w.unknownCodeHint}` : reasonOf(error), 'bad');
    return;
  }
  const unit = item ? chosenUnit.get(item.sku) : undefined;
  if (item?.asksQty) {
    const asked = await askQuantity(els.qtyDialog, item, unit, w);
    els.scan.focus();
    if (asked && 'bad' in asked) return say(asked.bad, 'bad');
    if (asked) await record(code, asked.qty, asked.unit, item);
    return;
  }
  await record(code, '1', unit, item);
}

// Scans are handled one after another in the order they came: a handheld scanner types faster than a
// lookup answers, and no scan may overtake or swallow another.
let scans = Promise.resolve();
els.scanForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = els.scan.value;
  els.scan.value = '';
  scans = scans.then(() => scan(code)).catch((error: unknown) => say(reasonOf(error), 'bad'));
});

// ---- the running list ------------------------------------------------------------------------------

const itemOf = (code: string) => items.get(code) ?? items.get(code.toUpperCase());

function lineRow(line: ShownLine): HTMLLIElement {
  const li = document.createElement('li');
  li.className = 'line';
  li.dataset.key = line.key;
  li.innerHTML = `<div class="line__what"><strong class="line__sku"></strong> <span class="line__name muted"></span><small class="line__detail"></small></div>
<div class="line__qty"><button type="button" class="step" data-step="-1"></button><input class="qty" inputmode="decimal" autocomplete="off" enterkeyhint="done"><button type="button" class="step" data-step="1"></button><select class="unit"></select><span class="line__unit"></span></div>`;
  const [minus, plus] = li.querySelectorAll<HTMLButtonElement>('button.step');
  minus!.innerHTML = config.icons.minus;
  plus!.innerHTML = config.icons.plus;
  for (const button of [minus!, plus!])
    button.addEventListener('click', () => void step(li.dataset.key!, button.dataset.step === '1' ? '1' : '-1'));
  const input = li.querySelector<HTMLInputElement>('input.qty')!;
  const commit = () => void setTotal(li.dataset.key!, input);
  input.addEventListener('change', commit);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      input.blur();
    }
  });
  li.querySelector<HTMLSelectElement>('select.unit')!.addEventListener('change', (event) => {
    const unit = (event.target as HTMLSelectElement).value;
    chosenUnit.set(li.dataset.key!, unit);
    renderLines();
  });
  return li;
}

function fillRow(li: HTMLLIElement, line: ShownLine): void {
  const item = line.item;
  const unit = (item && chosenUnit.get(item.sku)) ?? line.unit ?? item?.unit ?? '';
  const factor = item ? (factorOf(item, unit) ?? 1000n) : 1000n;
  li.querySelector('.line__sku')!.textContent = line.sku ?? line.key;
  li.querySelector('.line__name')!.textContent = line.name ?? (line.sku ? '' : w.unresolved);
  const detail: string[] = [];
  const base = `${fromScaled(line.qty)} ${line.unit ?? item?.unit ?? ''}`.trim();
  if (line.countedAs && line.countedAs !== base) detail.push(line.countedAs);
  if (factor !== 1000n) detail.push(base);
  if (context?.showsBookFigures && line.expected !== null) detail.push(fill(w.expected, { qty: line.expected }));
  if (line.waiting > 0) detail.push(fill(w.pending, { n: line.waiting }));
  li.querySelector('.line__detail')!.textContent = detail.join(' · ');
  li.dataset.qty = fromScaled(line.qty);
  li.dataset.waiting = String(line.waiting);
  const input = li.querySelector<HTMLInputElement>('input.qty')!;
  input.setAttribute('aria-label', fill(w.qtyInput, { sku: line.sku ?? line.key }));
  if (document.activeElement !== input) input.value = inUnit(line.qty, factor) ?? '';
  input.placeholder = base;
  input.disabled = !item;
  for (const b of li.querySelectorAll<HTMLButtonElement>('button.step')) {
    b.setAttribute('aria-label', fill(b.dataset.step === '1' ? w.plus : w.minus, { sku: line.sku ?? line.key }));
    b.disabled = !item && line.sku === null;
  }
  const select = li.querySelector<HTMLSelectElement>('select.unit')!;
  const hasPacks = Boolean(item && item.packs.length > 0);
  select.hidden = !hasPacks;
  select.setAttribute('aria-label', w.unitLabel);
  if (item && hasPacks && document.activeElement !== select) unitOptions(select, item, unit);
  li.querySelector('.line__unit')!.textContent = hasPacks ? '' : unit;
}

/**
 * SKUs looked up for their units: a line the server counted from a code the phone never looked up (it
 * was offline). Asked once; again only after a network failure.
 */
const lookedUp = new Set<string>();

function learnItems(lines: readonly ShownLine[]): void {
  for (const { sku, item } of lines) {
    if (!sku || item || lookedUp.has(sku)) continue;
    lookedUp.add(sku);
    itemFor(sku).then(
      (found) => (found ? renderLines() : lookedUp.delete(sku)),
      () => {},
    );
  }
}

function renderLines(): void {
  if (!location) return;
  const lines = shownLines(serverLines, waiting, location, itemOf);
  learnItems(lines);
  const rows = new Map([...els.lines.querySelectorAll<HTMLLIElement>('li.line')].map((li) => [li.dataset.key!, li]));
  const ordered = lines.map((line) => {
    const li = rows.get(line.key) ?? lineRow(line);
    rows.delete(line.key);
    fillRow(li, line);
    return li;
  });
  for (const stale of rows.values()) stale.remove();
  ordered.forEach((li, i) => {
    if (els.lines.children[i] !== li) els.lines.insertBefore(li, els.lines.children[i] ?? null);
  });
  els.noLines.hidden = lines.length > 0;
}

function lineFor(key: string): ShownLine | undefined {
  return location ? shownLines(serverLines, waiting, location, itemOf).find((l) => l.key === key) : undefined;
}

async function step(key: string, qty: '1' | '-1'): Promise<void> {
  const line = lineFor(key);
  const item = line?.item ?? (await itemFor(key).catch(() => undefined));
  await record(line?.sku ?? key, qty, item ? chosenUnit.get(item.sku) : undefined, item);
}

async function setTotal(key: string, input: HTMLInputElement): Promise<void> {
  const line = lineFor(key);
  if (!line?.item) return;
  const typed = toScaled(input.value, false);
  if (typed === null) {
    say(fill(w.badQty, { text: input.value }), 'bad');
    return renderLines();
  }
  const unit = chosenUnit.get(line.item.sku) ?? line.item.unit ?? undefined;
  const factor = factorOf(line.item, unit) ?? 1000n;
  const entry = entryForTotal(line.qty, typed, factor);
  if (entry) await record(line.item.sku, entry.qty, entry.inUnit ? unit : undefined, line.item);
}

// ---- the camera --------------------------------------------------------------------------------------

function stopCamera(): void {
  camera?.stop();
  camera = null;
  els.cameraView.hidden = true;
  els.cameraButton.setAttribute('aria-pressed', 'false');
}

els.cameraButton.addEventListener('click', async () => {
  if (camera) return stopCamera();
  say(w.cameraStarting);
  els.cameraView.hidden = false;
  try {
    const { startCamera } = await import('./camera.ts');
    camera = await startCamera(els.video, (code) => {
      scans = scans.then(() => scan(code)).catch((error: unknown) => say(reasonOf(error), 'bad'));
    });
    els.cameraButton.setAttribute('aria-pressed', 'true');
    els.message.hidden = true;
  } catch (error) {
    els.cameraView.hidden = true;
    const reason = (error as Error)?.message;
    say(reason === 'unsupported' ? w.cameraUnsupported : fill(w.cameraFailed, { reason: (error as Error)?.name ?? reason }), 'bad');
  }
});
$('#camera-stop').addEventListener('click', stopCamera);

// ---- photos ------------------------------------------------------------------------------------------

for (const input of document.querySelectorAll<HTMLInputElement>('input.photo-input'))
  input.addEventListener('change', () => {
    if (location) void addPhoto({ api, words: w, input, location, list: els.photos, say, reasonOf });
  });

// ---- location done ----------------------------------------------------------------------------------

els.done.addEventListener('click', () => {
  els.doneConfirm.hidden = false;
  $('#done-question').textContent = fill(w.doneConfirm, { location: location ?? '' });
  $<HTMLButtonElement>('#done-yes').focus();
});
$('#done-no').addEventListener('click', () => {
  els.doneConfirm.hidden = true;
});
$('#done-yes').addEventListener('click', async () => {
  els.doneConfirm.hidden = true;
  if (!location) return;
  await scans;
  await queue.flush();
  const left = (await queue.waiting()).filter((e) => e.location === location).length;
  if (left > 0) return say(fill(w.doneWaiting, { n: left }), 'bad');
  try {
    const r = await api.done(location);
    els.result.hidden = false;
    $('#result-text').textContent = fill(w.doneResult, {
      location: r.location,
      counted: r.linesCounted,
      verified: r.linesVerified,
      conflicts: r.linesInConflict,
    });
    $('#result-hint').hidden = r.linesInConflict === 0;
    els.result.dataset.counted = String(r.linesCounted);
    els.result.dataset.verified = String(r.linesVerified);
    els.result.dataset.conflicts = String(r.linesInConflict);
    els.message.hidden = true;
    serverLines = (await api.entries(location).catch(() => ({ lines: [] as ScanLine[] }))).lines;
    renderLines();
  } catch (error) {
    say(fill(w.failed, { reason: reasonOf(error) }), 'bad');
  }
});
$('#next-location').addEventListener('click', closeLocation);

// ---- start ---------------------------------------------------------------------------------------------

renderStatus();
await loadContext();
const asked = new URL(window.location.href).searchParams.get('location');
if (asked) await openLocation(asked);
void queue.flush();
document.body.dataset.ready = 'true';
