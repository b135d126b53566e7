/**
 * What a card's `page` element (cards/model.ts: "Count on phone", "Add photo") opens on each platform,
 * so that the page knows who tapped without a sign-in step (src/http/open.ts). Every link starts from
 * PUBLIC_URL, the HTTPS address the platforms open; without it there is nothing to link to and the
 * renderers leave the button out.
 */
import { startParamOf } from '../src/http/platformSignIn.ts';

const openPath = (platform: string, path: string) => `/open/${platform}?next=${encodeURIComponent(path)}`;
const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/**
 * Telegram. A `web_app` inline button is allowed only in a private chat with the bot ("Available only in
 * private chats between a user and the bot", InlineKeyboardButton.web_app), and its URL must be HTTPS. In a
 * group the button is a direct Mini App link (t.me/<bot>/<app>?startapp=…, TELEGRAM_MINI_APP_URL), which
 * opens the same page inside Telegram with signed initData carrying the path in `start_param`; without one,
 * a plain link to the page, where the ordinary sign-in takes over.
 */
export function telegramPageButton(
  publicUrl: string | undefined,
  miniAppUrl: string | undefined,
): (chatRef: number | string, path: string) => { web_app: { url: string } } | { url: string } | null {
  return (chatRef, path) => {
    const privateChat = typeof chatRef === 'number' && chatRef > 0;
    if (privateChat && publicUrl?.startsWith('https://')) return { web_app: { url: `${base(publicUrl)}${openPath('telegram', path)}` } };
    if (!privateChat && miniAppUrl) return { url: `${miniAppUrl}?startapp=${startParamOf(path)}` };
    return publicUrl ? { url: `${base(publicUrl)}${path}` } : null;
  };
}

/**
 * Feishu: the web app's page URL, which Feishu opens in its own browser where the JS SDK can ask for an
 * auth code (the domain must be the web app's H5 trusted domain, README "Feishu").
 */
export function feishuPageUrl(publicUrl: string | undefined): (path: string) => string | null {
  return (path) => (publicUrl ? `${base(publicUrl)}${openPath('feishu', path)}` : null);
}

/**
 * DingTalk: the H5 micro-app page through DingTalk's own link scheme, so that it opens inside DingTalk
 * (on a PC in the side panel) where `requestAuthCode` works; an https link would open a PC's system
 * browser. Without DINGTALK_CORP_ID the page cannot ask for a code: a plain link, and the sign-in link.
 */
export function dingTalkPageUrl(publicUrl: string | undefined, corpId: string | undefined): (path: string) => string | null {
  return (path) => {
    if (!publicUrl) return null;
    if (!corpId) return `${base(publicUrl)}${path}`;
    const page = `${base(publicUrl)}${openPath('dingtalk', path)}`;
    return `dingtalk://dingtalkclient/page/link?url=${encodeURIComponent(page)}&pc_slide=true`;
  };
}
