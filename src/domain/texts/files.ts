/**
 * Reading files (CSV and XLSX) and their cells: what is wrong with a file, a header, a number, a date. The
 * reasons a cell is refused (`cell*`) name no column: the column entries (`qty`, `unitCost`, `countedAt`,
 * `occurredAt`) put the column's name before them.
 */
import { phrases, type Phrase, type Words } from '../phrase.ts';

/** A reason's words, to put after a column's name in a column entry. */
export const wordsOf = (phrase: Phrase): Words => ({ en: phrase.words.en, zh: phrase.words.zh });

export const fileTexts = phrases('files', {
  // The file as a whole.
  unreadablePath: (path: string) => ({
    en: `cannot read file ${path}: it does not exist or is not readable`,
    zh: `无法读取文件 ${path}：文件不存在或没有读取权限`,
  }),
  empty: (file: string) => ({ en: `${file} is empty`, zh: `${file} 是空文件` }),
  noHeader: (file: string) => ({ en: `${file} has no header row and no data`, zh: `${file} 没有表头，也没有数据` }),
  unterminatedQuote: (line: number) => ({
    en: `a quoted cell that starts on row ${line} is never closed (a missing ")`,
    zh: `从第 ${line} 行开始的带引号单元格没有结束（缺少一个 "）`,
  }),
  csvUnreadable: (file: string, line: number) => ({
    en: `${file} is not a readable CSV file: a quoted cell that starts on row ${line} is never closed (a missing ")`,
    zh: `${file} 不是可读取的 CSV 文件：从第 ${line} 行开始的带引号单元格没有结束（缺少一个 "）`,
  }),
  xlsxUnreadable: (file: string, detail: string) => ({
    en: `${file} is not a readable XLSX workbook: ${detail}`,
    zh: `${file} 不是可读取的 XLSX 工作簿（${detail}）`,
  }),
  encodingUnknown: (file: string, tried: string, guess: string | null) => ({
    en: `${file}: cannot tell how its text is encoded (tried ${tried}${guess ? `; it looks most like ${guess}` : ''}); nothing was imported. Save it as "CSV UTF-8" (Excel: Save As → CSV UTF-8) and send it again`,
    zh: `${file}：无法判断文本编码（已尝试 ${tried}${guess ? `；最像 ${guess}` : ''}），未导入任何内容。请另存为“CSV UTF-8”（Excel：另存为 → CSV UTF-8）后重新发送`,
  }),
  encodingProblem: (tried: string) => ({
    en: `the text from this line on is in none of the encodings tried (${tried})`,
    zh: `从这一行起的文本不属于已尝试的任何编码（${tried}）`,
  }),
  moreProblems: (n: number) => ({ en: `${n} more problems not listed`, zh: `另有 ${n} 个问题未列出` }),

  // Sheets of a workbook.
  sheetNotFound: (file: string, sheet: string, sheets: string) => ({
    en: `${file} has no sheet "${sheet}"; its sheets: ${sheets}`,
    zh: `${file} 中没有工作表“${sheet}”；现有工作表：${sheets}`,
  }),
  severalSheets: (file: string, sheets: string) => ({
    en: `${file} has data on several sheets (${sheets})`,
    zh: `${file} 有多个工作表含数据（${sheets}）`,
    advice: {
      chat: { en: '; pick the one to import', zh: '，请选择要导入的一个' },
      cli: {
        en: '; say which one to import (CLI: --sheet NAME; API: the sheet option); nothing was imported',
        zh: '，请指定要导入的一个（命令行：--sheet 名称；API：sheet 参数）；未导入任何内容',
      },
    },
  }),

  // The header row.
  headerUnusable: (file: string, line: number) => ({
    en: `${file}: the header row (line ${line}) is not usable`,
    zh: `${file}：表头（第 ${line} 行）无法使用`,
  }),
  missingColumn: (column: string, accepted: string, instead: string | null, nearMiss: string | null) => ({
    en: `missing column ${column} (accepted headers: ${accepted})${instead ? ` or ${instead}` : ''}${nearMiss ? `; the file has a column "${nearMiss}": is that it, misspelt?` : ''}`,
    zh: `缺少列 ${column}（可用列名：${accepted}）${instead ? `，或 ${instead}` : ''}${nearMiss ? `；文件中有列“${nearMiss}”，是不是拼错了？` : ''}`,
  }),
  duplicateColumn: (first: string, second: string, column: string) => ({
    en: `columns "${first}" and "${second}" both mean ${column}; keep one`,
    zh: `列“${first}”和“${second}”都表示 ${column}，请只保留一列`,
  }),
  columnIgnored: (header: string, suggestion: string | null) =>
    suggestion
      ? { en: `column "${header}" was ignored: did you mean "${suggestion}"?`, zh: `列“${header}”已忽略：是不是“${suggestion}”？` }
      : { en: `column "${header}" was ignored (not a column this import reads)`, zh: `列“${header}”已忽略（本次导入不读取此列）` },

  // Why a cell is refused (the column entries below name the column).
  cellBlank: () => ({ en: 'is blank', zh: '为空' }),
  cellIsDate: () => ({ en: 'is a date, not a number', zh: '是日期，不是数字' }),
  cellNotNumber: (text: string) => ({ en: `"${text}" is not a number`, zh: `“${text}”不是数字` }),
  cellNotFinite: () => ({ en: 'is not a number', zh: '不是数字' }),
  cellSeparator: (text: string) => ({
    en: `"${text}" has a thousands separator in the wrong place`,
    zh: `“${text}”的千位分隔符位置不对`,
  }),
  cellTooManyDigits: (text: string, digits: number, max: number) => ({
    en: `"${text}" has ${digits} digits before the decimal point; at most ${max} are allowed`,
    zh: `“${text}”的整数部分有 ${digits} 位，最多允许 ${max} 位`,
  }),
  cellTooManyDecimals: (text: string, scale: number) => ({
    en: `"${text}" has more than ${scale} decimal places`,
    zh: `“${text}”的小数超过 ${scale} 位`,
  }),
  cellNegative: (text: string) => ({ en: `"${text}" is negative`, zh: `“${text}”是负数` }),
  cellInvalidDate: () => ({ en: 'is not a valid date', zh: '不是有效日期' }),
  cellNotDateTime: (text: string) => ({
    en: `"${text}" is not a date and time (use e.g. 2026-11-25 14:30)`,
    zh: `“${text}”不是日期和时间（请写成 2026-11-25 14:30 这样）`,
  }),
  cellNoTimeOfDay: (text: string, day: string) => ({
    en: `"${text}" has no time of day (use e.g. ${day} 14:30)`,
    zh: `“${text}”没有具体时间（请写成 ${day} 14:30 这样）`,
  }),
  cellInvalidDateTime: (text: string) => ({ en: `"${text}" is not a valid date and time`, zh: `“${text}”不是有效的日期和时间` }),
  cellNotDate: (text: string) => ({
    en: `"${text}" is not a date (use e.g. 2027-06-30)`,
    zh: `“${text}”不是日期（请写成 2027-06-30 这样）`,
  }),
  cellInvalidDateText: (text: string) => ({ en: `"${text}" is not a valid date`, zh: `“${text}”不是有效日期` }),
  cellNumberNotDate: (n: number) => ({
    en: `${n} is not a date (use e.g. 2027-06-30)`,
    zh: `${n} 不是日期（请写成 2027-06-30 这样）`,
  }),
  cellNumberNotDateTime: (n: number) => ({
    en: `${n} is not a date and time (use e.g. 2026-11-25 14:30)`,
    zh: `${n} 不是日期和时间（请写成 2026-11-25 14:30 这样）`,
  }),

  // A column and why its cell is refused (`reason` and `reasonZh` from a `cell*` entry).
  qty: (reason: string, reasonZh: string) => ({ en: `quantity ${reason}`, zh: `数量${reasonZh}` }),
  unitCost: (reason: string, reasonZh: string) => ({ en: `unit cost ${reason}`, zh: `单位成本${reasonZh}` }),
  countedAt: (reason: string, reasonZh: string) => ({ en: `counted_at ${reason}`, zh: `盘点时间 counted_at ${reasonZh}` }),
  occurredAt: (reason: string, reasonZh: string) => ({ en: `occurred_at ${reason}`, zh: `发生时间 occurred_at ${reasonZh}` }),
  tooManyDigits: (field: string, text: string, digits: number, max: number) => ({
    en: `${field === 'qty' ? 'quantity' : 'unit cost'} "${text}" has ${digits} digits before the decimal point; at most ${max} are allowed`,
    zh: `${field === 'qty' ? '数量' : '单位成本'}“${text}”的整数部分有 ${digits} 位，最多允许 ${max} 位`,
  }),
  sumTooLarge: (lines: number, line: string, sum: string, max: number) => ({
    en: `the ${lines} lines of ${line} add up to ${sum}: more than ${max} digits before the decimal point, the most a quantity may have`,
    zh: `${line} 的 ${lines} 行合计 ${sum}，整数部分超过数量允许的最多 ${max} 位`,
  }),

  // Lots (批次) and expiry.
  lotMissing: (sku: string) => ({
    en: `${sku} is lot-tracked: give its lot (批次) in the lot column`,
    zh: `${sku} 按批次管理：请在批次列填写批次号`,
  }),
  lotNotTracked: (sku: string, lot: string) => ({
    en: `${sku} is not lot-tracked, yet lot "${lot}" is given (leave the lot blank, or mark the item lot_tracked in the item master)`,
    zh: `${sku} 未启用批次管理，却填写了批次“${lot}”（请留空批次，或在物料主数据中将其设为批次管理）`,
  }),
  expiryInvalid: (text: string) => ({
    en: `expiry "${text}" is not a date (write it as e.g. 2027-06-30)`,
    zh: `有效期“${text}”不是有效日期（请写成 2027-06-30 这样）`,
  }),
  expiryDisagrees: (line: string, first: string, other: string) => ({
    en: `${line} is listed with expiry ${first} and ${other}; a lot has one expiry`,
    zh: `${line} 的有效期同时写为 ${first} 和 ${other}；同一批次只有一个有效期`,
  }),
});
