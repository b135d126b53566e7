/** Texts of the "open from the chat" pages (open.ts), in both languages. */
import type { Locale } from '../../cards/i18n/index.ts';
import type { SignInPlatform } from './platformSignIn.ts';

const PLATFORM_NAMES: Record<Locale, Record<SignInPlatform, string>> = {
  en: { telegram: 'Telegram', feishu: 'Feishu (Lark)', dingtalk: 'DingTalk' },
  'zh-CN': { telegram: 'Telegram', feishu: '飞书', dingtalk: '钉钉' },
};

type Reason = 'forged' | 'expired' | 'unknown_code' | 'missing';

export interface OpenTexts {
  platform: string;
  opening: string;
  wait: string;
  outside: string;
  signInLink: string;
  failed: string;
  unknownTitle: string;
  unknownWho(name: string | undefined, identity: string): string;
  unknownAsk: string;
  unknownThen: string;
  refusedTitle: string;
  refused: Record<Reason, string>;
  again: string;
  unreachableTitle: string;
  unreachable: string;
}

export function openTexts(locale: Locale, platform: SignInPlatform): OpenTexts {
  const p = PLATFORM_NAMES[locale][platform];
  if (locale === 'zh-CN')
    return {
      platform: p,
      opening: '正在打开…',
      wait: `正在用你的${p}账号登录…`,
      outside: `这个链接需要在${p}里打开。不在${p}里时，请用管理员给你的登录链接登录。`,
      signInLink: '用登录链接登录',
      failed: `${p}没有给出你的账号信息，请关闭页面后从群里重新打开，或用登录链接登录。`,
      unknownTitle: '尚未开通',
      unknownWho: (name, identity) => `你在${p}上是 ${name ? `「${name}」` : ''}（账号 ${identity}），但这里还没有人关联这个账号。`,
      unknownAsk: '请让盘点助手的管理员（或仓库主管）运行下面的命令，把账号关联到你（把 <你的用户名> 换成你在这里的用户名）：',
      unknownThen: '然后回到群里再点一次按钮。',
      refusedTitle: '登录被拒绝',
      refused: {
        forged: `来自${p}的登录信息不是真的（签名不符），没有登录任何人。`,
        expired: `来自${p}的登录信息已过期（超过 1 小时，或时间在未来）。请关闭页面，从群里重新打开。`,
        unknown_code: `登录码无效、已用过或已过期（登录码只能用一次，5 分钟内有效）。请关闭页面，从群里重新打开。`,
        missing: `没有收到${p}的登录信息。请从${p}里的按钮打开这个页面。`,
      },
      again: '返回',
      unreachableTitle: `暂时无法连接${p}`,
      unreachable: `无法向${p}核实你的身份，请一分钟后再试。如果一直这样，请管理员检查服务器能否访问${p}开放平台以及应用凭证。`,
    };
  return {
    platform: p,
    opening: 'Opening…',
    wait: `Signing you in with your ${p} account…`,
    outside: `This link opens inside ${p}. Outside it, sign in with the sign-in link an admin gave you.`,
    signInLink: 'Sign in with a sign-in link',
    failed: `${p} did not tell us who you are. Close the page and open it again from the chat, or use your sign-in link.`,
    unknownTitle: 'Not set up yet',
    unknownWho: (name, identity) =>
      `On ${p} you are ${name ? `“${name}” ` : ''}(account ${identity}), but nobody here is linked to that account yet.`,
    unknownAsk:
      'Ask an admin of the stocktake assistant (or your warehouse supervisor) to link it to you with this command (with your handle here in place of <your-handle>):',
    unknownThen: 'Then tap the button in the chat again.',
    refusedTitle: 'Sign-in refused',
    refused: {
      forged: `The sign-in data from ${p} is not genuine (its signature does not match); nobody was signed in.`,
      expired: `The sign-in data from ${p} is too old (over an hour, or dated in the future). Close the page and open it again from the chat.`,
      unknown_code:
        'The sign-in code is unknown, already used or expired (a code works once, for 5 minutes). Close the page and open it again from the chat.',
      missing: `No sign-in data from ${p} arrived. Open this page from the button in ${p}.`,
    },
    again: 'Back',
    unreachableTitle: `${p} cannot be reached right now`,
    unreachable: `We could not check who you are with ${p}. Try again in a minute; if it keeps happening, an admin should check that the server reaches ${p}'s open platform and the app's credentials.`,
  };
}
