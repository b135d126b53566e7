/**
 * The platform adapters and the web console: what a person reads there beyond the cards. The adapters'
 * configuration problems are read by the operator at start-up (ConfigError, printed in English), but are
 * worded here too so a Chinese start-up message can follow.
 */
import { phrases } from '../phrase.ts';

export const botTexts = phrases('bots', {
  /** A Telegram document too large for getFile: Telegram never hands the bot its bytes, whatever our limit. */
  telegramFileTooBig: () => ({
    zh: '这个文件超过 20 MB：Telegram 只允许机器人下载不超过 20 MB 的文件，所以无法导入。请把盘点表拆成几个较小的文件分别发送，或在网页控制台上传。',
    en: 'This file is larger than 20 MB, the most Telegram lets a bot download, so it cannot be imported. Send the count sheet as several smaller files, or upload it in the web console.',
  }),
  typeFirst: () => ({ en: 'type a command first (for example "help")', zh: '请先输入命令（例如“帮助”）' }),
  messageTooLong: () => ({ en: 'a message may be at most 2,000 characters', zh: '一条消息最多 2000 个字符' }),
  uploadTooLarge: (limit: string) => ({
    en: `the file is larger than the upload limit of ${limit} (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported`,
    zh: `文件超过 ${limit} 的上传上限（STOCKTAKE_MAX_UPLOAD_MB），未导入任何内容`,
    advice: {
      chat: { en: '; send the count sheet as several smaller files', zh: '；请把盘点表拆成几个较小的文件分别上传' },
    },
  }),
  fileTooLarge: (file: string, limit: string) => ({
    en: `${file} is larger than the upload limit of ${limit} (STOCKTAKE_MAX_UPLOAD_MB); nothing was imported`,
    zh: `${file} 超过 ${limit} 的上传上限（STOCKTAKE_MAX_UPLOAD_MB），未导入任何内容`,
    advice: {
      chat: { en: '; send the count sheet as several smaller files', zh: '；请把盘点表拆成几个较小的文件分别上传' },
    },
  }),
  chooseSheet: () => ({ en: 'choose a count sheet (CSV or XLSX) to upload', zh: '请选择要上传的盘点表（CSV 或 XLSX）' }),
  noToken: () => ({ en: 'the form carried no action token', zh: '表单中没有操作令牌' }),
  noChat: () => ({
    en: 'this button is not on a console card, and no chat was given',
    zh: '这个按钮不在控制台的卡片上，也没有指明对话',
  }),
  demoLocalOnly: () => ({
    en: 'demo data can be loaded from the console only on a server bound to 127.0.0.1',
    zh: '只有在绑定 127.0.0.1 的服务器上才能从控制台加载演示数据',
    advice: { cli: { en: '; run `npx stocktake demo` instead', zh: '；请改为运行 `npx stocktake demo`' } },
  }),
  demoNotLoaded: () => ({ en: 'the demo data is not loaded', zh: '尚未加载演示数据' }),
  badChatName: (chat: string, ruleEn: string, ruleZh: string) => ({
    en: `"${chat}" is not a console chat name: ${ruleEn}`,
    zh: `“${chat}”不是有效的对话名称：${ruleZh}`,
  }),
  identityTaken: (handle: string) => ({
    en: `the console identity web:${handle} belongs to another person`,
    zh: `控制台身份 web:${handle} 属于另一个人`,
    advice: {
      chat: {
        en: '; ask an admin to fix the identities (`stocktake people list`)',
        zh: '；请管理员修正人员身份（`stocktake people list`）',
      },
      cli: { en: '; fix the identities (`stocktake people list`)', zh: '；请修正人员身份（`stocktake people list`）' },
    },
  }),
});

export const configTexts = phrases('config', {
  requiredInWebhookMode: () => ({ en: 'is required when TELEGRAM_MODE is webhook', zh: '在 TELEGRAM_MODE 为 webhook 时必填' }),
  feishuAppId: () => ({
    en: "must look like cli_ followed by 16 hex digits (the App ID on the app's Credentials page)",
    zh: '应为 cli_ 后接 16 位十六进制数字（应用“凭证与基础信息”页上的 App ID）',
  }),
  feishuHttpNeedsKey: () => ({
    en: 'FEISHU_MODE=http needs FEISHU_ENCRYPT_KEY (recommended: signed, encrypted callbacks) or FEISHU_VERIFICATION_TOKEN',
    zh: 'FEISHU_MODE=http 需要 FEISHU_ENCRYPT_KEY（推荐：签名并加密的回调）或 FEISHU_VERIFICATION_TOKEN',
  }),
  dingtalkSecretNeeded: () => ({
    en: "is required when DINGTALK_CLIENT_ID is set (the app's AppSecret)",
    zh: '设置了 DINGTALK_CLIENT_ID 时必填（应用的 AppSecret）',
  }),
  dingtalkIdNeeded: () => ({
    en: "is required when DINGTALK_CLIENT_SECRET is set (the app's AppKey)",
    zh: '设置了 DINGTALK_CLIENT_SECRET 时必填（应用的 AppKey）',
  }),
});
