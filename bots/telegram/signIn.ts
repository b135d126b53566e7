/**
 * The Telegram Mini App half of signing in from the chat (src/http/platformSignIn.ts). Telegram hands the
 * page `initData`, signed with a key derived from the bot token; `@telegram-apps/init-data-node` checks the
 * signature and the age (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).
 */
import {
  isAuthDateInvalidError,
  isExpiredError,
  isSignatureInvalidError,
  isSignatureMissingError,
  parse,
  validate,
} from '@telegram-apps/init-data-node';
import { IdentityRefusedError, pathOfStartParam, type PlatformSignIn, type PlatformUser } from '../../src/http/platformSignIn.ts';
import { scriptValue } from '../../src/http/open.ts';

/** initData older than this is refused: a copied one must not sign someone in for a day (the library's default). */
export const TELEGRAM_INIT_DATA_MAX_AGE_S = 3600;
/** How far in the future auth_date may be: the two clocks never agree exactly. */
export const TELEGRAM_CLOCK_SKEW_S = 60;

const TELEGRAM_SCRIPT = 'https://telegram.org/js/telegram-web-app.js';

/**
 * The page reads `window.Telegram.WebApp.initData`. Telegram opens a Mini App with `#tgWebAppData=…` in the
 * URL; only then is Telegram's own script loaded (so a test, or a plain browser, never fetches it).
 */
const script = `(function(){
function start(){var app=window.Telegram&&window.Telegram.WebApp;if(app&&app.initData){if(app.ready)app.ready();window.stocktakeSend(app.initData);}else{window.stocktakeNoPlatform();}}
if(!(window.Telegram&&window.Telegram.WebApp)&&/tgWebAppData=/.test(location.hash+location.search)){window.stocktakeLoad(${scriptValue(TELEGRAM_SCRIPT)},start);}else{start();}
})();`;

/** initData whose signature is good but whose fields are not Telegram's is refused, never a crash. */
function parsed(initData: string) {
  try {
    return parse(initData);
  } catch {
    throw new IdentityRefusedError("initData is signed but not in Telegram's format", 'forged');
  }
}

/** Checks a Mini App's initData against the bot token: the Telegram user, or IdentityRefusedError. */
export function verifyInitData(initData: string, token: string, now = Date.now()): PlatformUser {
  try {
    validate(initData, token, { expiresIn: TELEGRAM_INIT_DATA_MAX_AGE_S });
  } catch (error) {
    if (isExpiredError(error)) throw new IdentityRefusedError('initData is older than an hour', 'expired');
    if (isSignatureInvalidError(error) || isSignatureMissingError(error) || isAuthDateInvalidError(error))
      throw new IdentityRefusedError(`initData refused: ${(error as Error).message}`, 'forged');
    throw new IdentityRefusedError("initData is not in Telegram's format", 'forged');
  }
  const data = parsed(initData);
  if (data.auth_date.getTime() > now + TELEGRAM_CLOCK_SKEW_S * 1000)
    throw new IdentityRefusedError('initData is dated in the future', 'expired');
  if (!data.user) throw new IdentityRefusedError('initData names no user', 'forged');
  const name =
    [data.user.first_name, data.user.last_name].filter(Boolean).join(' ') + (data.user.username ? ` (@${data.user.username})` : '');
  const next = pathOfStartParam(data.start_param);
  return { externalId: String(data.user.id), name, ...(next ? { next } : {}) };
}

/** Telegram's sign-in for the HTTP app, with the bot's token. */
export function telegramSignIn(token: string): PlatformSignIn {
  return {
    platform: 'telegram',
    script,
    verify: async (initData) => verifyInitData(initData, token),
  };
}
