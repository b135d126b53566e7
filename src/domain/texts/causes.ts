/** The cause catalogue (原因库): looking causes up and editing them. */
import { phrases } from '../phrase.ts';

export const causeTexts = phrases('causes', {
  notFound: (code: string) => ({
    en: `cause "${code}" not found`,
    zh: `找不到原因“${code}”`,
    advice: {
      cli: { en: '; see `stocktake causes list`', zh: '，可用的原因见 `stocktake causes list`' },
      chat: { en: '; pick one from the list on the card', zh: '，请从卡片上的列表中选择' },
      page: { en: '; see the cause list', zh: '，请查看原因列表' },
    },
  }),
  badCode: (code: string) => ({
    en: `cause code "${code}" must be lower-case letters, digits and "_" (2–40)`,
    zh: `原因代码“${code}”只能由小写字母、数字和“_”组成（2–40 个字符）`,
  }),
  badDirection: () => ({
    en: 'applies-to must be gain, loss or both',
    zh: '适用方向必须是 gain（盘盈）、loss（盘亏）或 both（两者）',
  }),
  labelsNeeded: () => ({
    en: 'a cause needs both a Chinese and an English label',
    zh: '原因需要同时填写中文名称和英文名称',
  }),
  /** A cause whose catalogue entry requires a note, tagged without one (a chat asks for it instead). */
  noteRequired: (code: string, labelEn: string, labelZh: string) => ({
    en: `cause ${code} (${labelEn}) needs a note saying what was checked`,
    zh: `原因“${labelZh}”须填写备注，说明核查了什么`,
    advice: {
      cli: { en: ': add --note', zh: '：请加上 --note' },
      api: { en: ': send the note with the cause', zh: '：请连同原因一起提供 note' },
      chat: { en: ': send the note with the cause', zh: '：请连同原因一起填写备注' },
    },
  }),
  adminsOnly: (who: string) => ({
    en: `${who} may not edit the cause catalogue: only admins may`,
    zh: `${who} 不能编辑原因库：只有管理员可以`,
  }),
});
