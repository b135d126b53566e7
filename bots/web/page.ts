/** The console's pages: choosing who you are, and a chat with its messages, composer and upload. */
import type { Locale } from '../../cards/i18n/index.ts';
import { purposeLabel } from '../../cards/i18n/purposes.ts';
import type { Actor } from '../../src/domain/people.ts';
import { icon } from '../../cards/render/icons.ts';
import { esc, renderPage } from '../../src/http/layout.ts';
import { CHAT_NAME_PATTERN, CHAT_NAME_RULE, type ConsoleChat, type WebMessage } from './store.ts';
import { messageHtml } from './view.ts';

const HEAD = '<link rel="stylesheet" href="/assets/console.css">';

const WORDS = {
  en: {
    title: 'Console',
    whoTitle: 'Who are you?',
    whoHint:
      'This server only listens on this machine, so you may act as anyone in the database. Pick a person; roles and segregation of duties apply to what they do.',
    iam: 'I am',
    empty: 'The database is empty.',
    demoHint: 'Load the demo: a warehouse, items, people with roles, bound chats and a count with realistic variances.',
    loadDemo: 'Load demo data',
    demoCli: 'or run',
    chats: 'Chats',
    openChat: 'Open a chat',
    chatName: 'name',
    open: 'Open',
    noChats: 'No chats yet: open one by name, then send "bind WAREHOUSE" in it.',
    placeholder: 'Type a command: help, status, variances, close, submit…',
    send: 'Send',
    upload: 'Upload count sheet',
    fileLabel: 'Count sheet (CSV or XLSX)',
    unbound: 'not bound',
    demoSheet: 'Demo recount sheet to upload',
    pick: 'Pick a chat.',
    roles: 'roles',
    noRole: (chat: string) =>
      `You hold no role in the warehouse #${chat} is bound to, so you may not open or use it. Ask an admin of that warehouse for a role.`,
    notMember: (chat: string) =>
      `#${chat} is not bound to a warehouse and belongs to the people who write in it: only they and admins may open or use it.`,
    foreignButton: "This button is on a card in another platform's chat; tap it there. Nothing was done.",
    toCount: 'Count on phone',
  },
  'zh-CN': {
    title: '对话控制台',
    whoTitle: '你是谁？',
    whoHint: '服务器只在本机监听，因此你可以以数据库中的任何人身份操作。选择一个人；其角色与职责分离规则照常生效。',
    iam: '我是',
    empty: '数据库是空的。',
    demoHint: '加载演示数据：一个仓库、物料、带角色的人员、已绑定的对话，以及一次带有真实差异的盘点。',
    loadDemo: '加载演示数据',
    demoCli: '或运行',
    chats: '对话',
    openChat: '打开对话',
    chatName: '名称',
    open: '打开',
    noChats: '还没有对话：按名称打开一个，然后在其中发送 "bind 仓库代码"。',
    placeholder: '输入命令：帮助、状态、差异、结束盘点、提交…',
    send: '发送',
    upload: '上传盘点表',
    fileLabel: '盘点表（CSV 或 XLSX）',
    unbound: '未绑定',
    demoSheet: '可上传的演示复盘表',
    pick: '选择一个对话。',
    roles: '角色',
    noRole: (chat: string) => `你在 #${chat} 所绑定的仓库中没有任何角色，因此不能打开或使用此对话。请向该仓库的管理员申请角色。`,
    notMember: (chat: string) => `#${chat} 未绑定仓库，只属于在其中发言的人：只有他们和管理员可以打开或使用。`,
    foreignButton: '此按钮属于其他平台对话中的卡片，请在那里点按。未执行任何操作。',
    toCount: '扫码盘点',
  },
};

/** Why a person may not use a chat (see access.ts), without naming the warehouse it is bound to. */
export function chatRefusal(locale: Locale, chatId: string, bound: boolean): string {
  return bound ? WORDS[locale].noRole(chatId) : WORDS[locale].notMember(chatId);
}

/** The refusal of a button copied from another platform's card into the console. */
export const foreignButtonRefusal = (locale: Locale) => WORDS[locale].foreignButton;

export interface PersonChoice {
  handle: string;
  name: string;
  roles: string[];
}

/** A stocktake the person may count on the phone (services/countingAccess.ts). */
export interface ToCount {
  code: string;
  warehouse: string;
}

/** Links to the counting page of each stocktake the person may count. */
function countingLinks(locale: Locale, toCount: readonly ToCount[]): string {
  if (toCount.length === 0) return '';
  const links = toCount
    .map(
      (s) =>
        `<li><a class="btn" href="/count/${encodeURIComponent(s.code)}">${icon('barcode')} ${esc(s.code)} · ${esc(s.warehouse)}</a></li>`,
    )
    .join('');
  return `<h2>${esc(WORDS[locale].toCount)}</h2><ul class="tocount">${links}</ul>`;
}

/** The chat list, the "open a chat" form and the demo sheet: the sidebar on a wide screen, a drawer on a phone. */
function chatList(locale: Locale, chats: ConsoleChat[], current: string | null, demo: boolean, toCount: readonly ToCount[] = []): string {
  const t = WORDS[locale];
  const items = chats
    .map((c) => {
      const badges = c.warehouse
        ? `${esc(c.warehouse)} ${c.purposes.map((p) => `<span class="badge">${esc(purposeLabel(locale, p))}</span>`).join(' ')}`
        : `<span class="muted">${esc(t.unbound)}</span>`;
      return `<li><a href="/chat/${encodeURIComponent(c.chatId)}"${c.chatId === current ? ' aria-current="page"' : ''}>#${esc(c.chatId)}</a><br><small>${badges}</small></li>`;
    })
    .join('');
  return `<ul class="chatlist">${items || `<li class="muted">${esc(t.noChats)}</li>`}</ul>
<form method="get" action="/chat" class="openchat" data-plain><label>${esc(t.openChat)}<br><input type="text" name="name" pattern="${esc(CHAT_NAME_PATTERN)}" title="${esc(CHAT_NAME_RULE[locale])}" placeholder="${esc(t.chatName)}" required></label> <button>${esc(t.open)}</button></form>
${demo ? `<p><a href="/demo/recount.csv" class="demo-sheet" download>${icon('download')} ${esc(t.demoSheet)}</a></p>` : ''}
${countingLinks(locale, toCount)}`;
}

function sidebar(locale: Locale, chats: ConsoleChat[], current: string | null, demo: boolean, toCount: readonly ToCount[]): string {
  return `<aside class="console__chats"><h2>${esc(WORDS[locale].chats)}</h2>
${chatList(locale, chats, current, demo, toCount)}
</aside>`;
}

/** `/`: who are you (local servers), the empty-database start, and the chats. */
export function homePage(o: {
  locale: Locale;
  actor: Actor | null;
  localOnly: boolean;
  people: PersonChoice[];
  chats: ConsoleChat[];
  showPicker: boolean;
  next: string;
  demo: boolean;
  notice?: string;
  toCount?: readonly ToCount[];
}): string {
  const t = WORDS[o.locale];
  const parts: string[] = [];
  if (o.notice) parts.push(`<p class="notice bad" role="alert">${esc(o.notice)}</p>`);
  if (o.people.length === 0) {
    parts.push(`<section class="panel"><h1>${esc(t.empty)}</h1><p>${esc(t.demoHint)}</p>
${o.localOnly ? `<form method="post" action="/demo" data-plain><button class="btn btn--primary" id="load-demo">${esc(t.loadDemo)}</button></form>` : ''}
<p class="muted">${esc(t.demoCli)} <code>npx stocktake demo</code></p></section>`);
  } else if (o.showPicker && o.localOnly) {
    const people = o.people
      .map(
        (
          p,
        ) => `<li><form method="post" action="/session" data-plain><input type="hidden" name="person" value="${esc(p.handle)}"><input type="hidden" name="next" value="${esc(o.next)}">
<button class="btn${o.actor?.handle === p.handle ? ' btn--primary' : ''}" data-person="${esc(p.handle)}">${esc(t.iam)} <strong>${esc(p.name)}</strong> <span class="muted">@${esc(p.handle)}</span></button>
<small class="muted">${esc(p.roles.join(', '))}</small></form></li>`,
      )
      .join('');
    parts.push(`<section><h1>${esc(t.whoTitle)}</h1><p class="muted">${esc(t.whoHint)}</p><ul class="people">${people}</ul></section>`);
  }
  const body = `<div class="console">${sidebar(o.locale, o.chats, null, o.demo, o.toCount ?? [])}<section class="console__main">${parts.join('\n') || `<p class="muted">${esc(t.pick)}</p>`}</section></div>`;
  return renderPage({ title: t.title, locale: o.locale, actor: o.actor, localOnly: o.localOnly, active: 'console', body, head: HEAD });
}

/** `/chat/:id`: the conversation, live. */
export function chatPage(o: {
  locale: Locale;
  actor: Actor;
  localOnly: boolean;
  chat: ConsoleChat;
  chats: ConsoleChat[];
  messages: WebMessage[];
  seq: string;
  eventId: string;
  toast?: string;
  demo: boolean;
  toCount?: readonly ToCount[];
}): string {
  const t = WORDS[o.locale];
  const c = o.chat;
  const id = encodeURIComponent(c.chatId);
  // On a phone the chat list is a drawer opened from the header (no script needed: <details>).
  const drawer = `<details class="chat__drawer"><summary>${icon('menu')} ${esc(t.chats)}</summary><div class="drawer">${chatList(o.locale, o.chats, c.chatId, o.demo, o.toCount ?? [])}</div></details>`;
  const header = `<header class="chat__header">${drawer}<span class="chat__title"><strong>#${esc(c.chatId)}</strong> ${c.warehouse ? `· ${esc(c.warehouse)} ${c.purposes.map((p) => `<span class="badge">${esc(purposeLabel(o.locale, p))}</span>`).join(' ')}` : `<span class="muted">· ${esc(t.unbound)}</span>`}</span></header>`;
  const body = `<div class="console console--chat">${sidebar(o.locale, o.chats, c.chatId, o.demo, o.toCount ?? [])}
<section class="console__main chat" data-chat-id="${esc(c.chatId)}" data-seq="${esc(o.seq)}">
${header}
<div id="messages" class="messages">${o.messages.map((m) => messageHtml(m, { locale: o.locale, timezone: c.timezone ?? 'Asia/Shanghai' })).join('\n')}</div>
<div id="toast" class="toasts" role="status" aria-live="polite">${o.toast ? `<div class="toast toast--info">${esc(o.toast)}</div>` : ''}</div>
<div class="composers">
<form id="composer" class="composer" method="post" action="/chat/${id}/messages"><input type="hidden" name="eventId" value="${esc(o.eventId)}">
<input type="text" name="text" placeholder="${esc(t.placeholder)}" autocomplete="off" enterkeyhint="send" required aria-label="${esc(t.placeholder)}"> <button class="btn btn--primary">${esc(t.send)}</button></form>
<form id="upload" class="composer" method="post" action="/chat/${id}/files" enctype="multipart/form-data"><input type="hidden" name="eventId" value="${esc(o.eventId)}-f">
<label class="upload__file"><span class="upload__label">${esc(t.fileLabel)}</span> <input type="file" name="file" accept=".csv,.xlsx,.txt,text/csv" required aria-label="${esc(t.fileLabel)}"></label> <button class="btn">${icon('upload')} ${esc(t.upload)}</button></form>
</div>
</section></div>`;
  return renderPage({
    title: `#${c.chatId}`,
    locale: o.locale,
    actor: o.actor,
    localOnly: o.localOnly,
    active: 'console',
    layout: 'fill',
    body,
    head: `${HEAD}\n<script src="/assets/console.js" defer></script>`,
  });
}

/** Styles of the console, appended to the shared stylesheet. */
export const CONSOLE_CSS = `
.console { display:grid; grid-template-columns: 220px minmax(0, 1fr); gap:16px; }
.console__chats ul { list-style:none; padding:0; margin:0 0 12px; } .console__chats li, .drawer li { margin:6px 0; }
.chatlist { list-style:none; padding:0; margin:0 0 12px; }
.chatlist a[aria-current=page] { font-weight:700; }
.tocount { list-style:none; padding:0; margin:0 0 12px; } .tocount li { margin:6px 0; } .tocount .btn { display:inline-flex; align-items:center; gap:6px; }
.people { list-style:none; padding:0; } .people li { margin:6px 0; }
/* The chat fills the screen below the navigation: the messages scroll, the composer stays at the bottom. */
.console--chat { height:100%; grid-template-rows:minmax(0, 1fr); }
.console--chat > * { min-height:0; } .console--chat > .console__chats { overflow-y:auto; }
.chat { display:flex; flex-direction:column; height:100%; }
.chat__header { padding:4px 0 8px; border-bottom:1px solid var(--line); position:relative; display:flex; align-items:center; gap:8px; flex-wrap:wrap; }
.chat__drawer { display:none; }
.chat[data-live=off] .chat__header::after { content:' ⚠ offline, reconnecting…'; color:var(--warn); }
.messages { flex:1; min-height:0; overflow-y:auto; overscroll-behavior:contain; padding:8px 0; }
.msg { margin:8px 0; } .msg__meta { font-size:12px; color:var(--muted); }
.msg--user .msg__text { display:inline-block; max-width:100%; background:#ddf4ff; border-radius:10px; padding:4px 10px; white-space:pre-wrap; overflow-wrap:anywhere; }
.msg--bot .msg__text { white-space:pre-wrap; overflow-wrap:anywhere; }
.composers { flex:none; background:#fff; }
.composer { display:flex; gap:8px; align-items:center; margin-top:8px; } .composer input[type=text] { flex:1; min-width:0; }
.composer .btn { flex:none; white-space:nowrap; }
.toasts { min-height:0; } .toast { position:fixed; right:16px; bottom:16px; padding:8px 14px; border-radius:8px; background:#1f2328; color:#fff; max-width:420px; box-shadow:0 2px 8px rgba(0,0,0,.2); z-index:10; }
.toast--error { background:var(--bad); } .toast--warning { background:var(--warn); } .toast--success { background:var(--ok); }
@media (max-width: 640px) {
  .console { grid-template-columns: minmax(0, 1fr); gap:8px; }
  .console:not(.console--chat) > .console__main { order:-1; }
  .console--chat > .console__chats { display:none; }
  .chat__drawer { display:block; }
  .chat__drawer > summary { list-style:none; display:inline-flex; align-items:center; gap:6px; padding:0 12px; border:1px solid var(--line); border-radius:6px; cursor:pointer; line-height:1.5; }
  .chat__drawer > summary::-webkit-details-marker { display:none; }
  .chat__drawer[open] > summary { background:var(--bg); }
  .drawer { position:absolute; left:0; right:0; top:100%; z-index:20; background:#fff; border:1px solid var(--line); border-radius:8px; box-shadow:0 6px 16px rgba(0,0,0,.15); padding:4px 12px 12px; max-height:70vh; overflow-y:auto; }
  .drawer .chatlist a { display:inline-flex; align-items:center; min-height:44px; }
  .chat__header { padding:0 0 6px; }
  .chat__title { min-width:0; overflow-wrap:anywhere; }
  .composers { border-top:1px solid var(--line); padding-bottom:env(safe-area-inset-bottom); }
  .composer { margin-top:6px; }
  .upload__file { flex:1; min-width:0; display:flex; }
  .upload__file input[type=file] { flex:1; min-width:0; }
  .upload__label { position:absolute; width:1px; height:1px; overflow:hidden; clip-path:inset(50%); white-space:nowrap; }
  .toast { left:8px; right:8px; top:8px; bottom:auto; max-width:none; }
  .people .btn { width:100%; text-align:left; }
}
`;
