/** Chats: the buttons on cards, and what a tap that cannot be carried out says. */
import { phrases } from '../phrase.ts';

export const chatTexts = phrases('chat', {
  malformedButton: () => ({
    en: 'this button is not one of ours (malformed token); nothing was done',
    zh: '这个按钮不是本系统发出的（令牌格式不对），未执行任何操作',
  }),
  forgedButton: () => ({
    en: 'this button is not one of ours (bad signature); nothing was done',
    zh: '这个按钮不是本系统发出的（签名不符），未执行任何操作',
  }),
  expiredButton: () => ({
    en: 'this button has expired (its intent is no longer kept); nothing was done',
    zh: '这个按钮已过期（其操作内容已不再保存），未执行任何操作',
  }),
});
