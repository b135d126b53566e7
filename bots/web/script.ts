/**
 * The console page's script, served at /assets/console.js. Without it every form still posts and the page
 * reloads; with it, messages and card updates arrive live (server-sent events), taps answer with a toast
 * and replace the card at once, and each submit carries a fresh event id so a retried post is one event.
 */
export const CONSOLE_JS = String.raw`
(() => {
  const chat = document.querySelector('[data-chat-id]');
  if (!chat) return;
  const chatId = chat.dataset.chatId;
  const list = document.getElementById('messages');
  const toastBox = document.getElementById('toast');
  let seq = chat.dataset.seq || '0';
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));

  function toast(t) {
    if (!t) return;
    const el = document.createElement('div');
    el.className = 'toast toast--' + t.kind;
    el.textContent = t.text;
    toastBox.replaceChildren(el);
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => el.remove(), 6000);
  }

  // A card replaced by a live update keeps what this person had chosen or typed in it but not sent
  // (a cause picked, a reason half written): on a phone an update arriving meanwhile is common.
  function keepEdits(old, node) {
    // Fields are matched by what they are (tag, name and the label around them), not by position: an
    // update may add or drop a box (a withdraw box gone after the first approval) around the one being typed in.
    const key = (f) => f.tagName + '|' + f.name + '|' + ((f.closest('label') || f.closest('form') || f).textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80);
    const fields = (root) => Array.from(root.querySelectorAll('select, input[type=text], textarea'));
    const after = new Map();
    for (const n of fields(node)) if (!after.has(key(n))) after.set(key(n), n);
    for (const f of fields(old)) {
      const changed = f.tagName === 'SELECT' ? Array.from(f.options).some((o) => o.selected !== o.defaultSelected) : f.value !== f.defaultValue;
      if (!changed) continue;
      const n = after.get(key(f));
      if (!n) continue;
      if (f.tagName === 'SELECT' && !Array.from(n.options).some((o) => o.value === f.value && !o.disabled)) continue;
      n.value = f.value;
      if (n.tagName === 'SELECT') needsNote(n);
    }
  }

  // Picking a cause that needs a note makes the note box beside it required: the browser asks for the
  // note before the form is sent (cards/render/html.ts, selectWithNote). The cause a card shows as tagged
  // already has its note, so only a pick makes the box required.
  function needsNote(select) {
    const form = select.closest('form.select--note');
    const note = form && form.querySelector('textarea[name=input]');
    const option = select.selectedOptions[0];
    if (note) note.required = !!(option && option.dataset.needsNote !== undefined);
  }

  function place(messageId, html) {
    const tpl = document.createElement('template');
    tpl.innerHTML = html.trim();
    const node = tpl.content.firstElementChild;
    if (!node) return;
    const old = list.querySelector('[data-message-id="' + CSS.escape(messageId) + '"]');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    if (old) { keepEdits(old, node); old.replaceWith(node); } else list.append(node);
    if (!old && atBottom) list.scrollTop = list.scrollHeight;
  }

  function connect() {
    const source = new EventSource('/chat/' + encodeURIComponent(chatId) + '/events?after=' + encodeURIComponent(seq));
    source.addEventListener('change', (e) => {
      const m = JSON.parse(e.data);
      seq = m.seq;
      place(m.messageId, m.html);
    });
    source.addEventListener('open', () => chat.dataset.live = 'on');
    source.onerror = () => { chat.dataset.live = 'off'; source.close(); setTimeout(connect, 2000); };
  }
  connect();
  list.scrollTop = list.scrollHeight;
  // The newest message stays in sight when the list shrinks (a phone's keyboard opening) if it was in sight.
  let stick = true;
  list.addEventListener('scroll', () => { stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80; }, { passive: true });
  if (window.ResizeObserver) new ResizeObserver(() => { if (stick) list.scrollTop = list.scrollHeight; }).observe(list);

  async function post(form, data) {
    data.set('eventId', newId());
    data.set('chat', chatId);
    const res = await fetch(form.action, { method: 'POST', body: data, headers: { accept: 'application/json' } });
    const body = await res.json().catch(() => ({ toast: { kind: 'error', text: 'HTTP ' + res.status } }));
    // The error in the page's language when the server worded it in both (error.localized), else its message.
    const said = body.error && ((body.error.localized && body.error.localized[document.documentElement.lang]) || body.error.message);
    if (!res.ok) toast({ kind: 'error', text: said || ('HTTP ' + res.status) });
    return body;
  }

  document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLSelectElement) needsNote(e.target);
  });

  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.plain !== undefined) return;
    const inCard = form.closest('.card');
    if (!inCard && form.id !== 'composer' && form.id !== 'upload') return;
    e.preventDefault();
    const submitter = e.submitter;
    if (submitter && submitter.dataset.confirm && !window.confirm((submitter.dataset.confirmTitle || '') + '\n' + submitter.dataset.confirm)) return;
    // The form's data (with the tapped button's token) is taken before its buttons are disabled.
    const data = new FormData(form, submitter);
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      const body = await post(form, data);
      if (inCard) {
        toast(body.toast);
        // The tapped card as it is now; the live stream brings the same change to every other page.
        if (body.cardHtml) {
          const tpl = document.createElement('template');
          tpl.innerHTML = body.cardHtml.trim();
          if (tpl.content.firstElementChild) inCard.replaceWith(tpl.content.firstElementChild);
        }
      } else {
        if (body.toast) toast(body.toast);
        form.reset();
      }
    } catch (err) {
      toast({ kind: 'error', text: String(err) });
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
})();
`;
