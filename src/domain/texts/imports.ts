/**
 * Importing files into the product: the item master, the book, movements and count sheets (and what their
 * rows may not hold), recounts in review, and exporting what was posted.
 */
import { phrases } from '../phrase.ts';

/** Where the item master is imported: the command line has the command, a chat asks an admin. */
const IMPORT_ITEMS = {
  cli: { en: ' (import it with `stocktake items import`)', zh: '（请用 `stocktake items import` 导入商品资料）' },
  chat: {
    en: " (ask an admin to import the item master in the console's admin pages)",
    zh: '（请管理员在控制台导入商品资料）',
  },
};

export const importTexts = phrases('imports', {
  // Rows of any file.
  skuBlank: () => ({ en: 'sku is blank', zh: 'sku（物料编码）为空' }),
  barcodeBlank: () => ({ en: 'barcode is blank', zh: '条码为空' }),
  skuControl: () => ({
    en: 'sku contains a line break or another control character',
    zh: 'sku（物料编码）含有换行符或其他控制字符',
  }),
  skuRepeated: (sku: string, line: number) => ({
    en: `sku ${sku} is already listed on line ${line}`,
    zh: `sku ${sku} 已在第 ${line} 行列出`,
  }),
  unknownSku: (sku: string) => ({
    en: `sku ${sku} is not in the item master`,
    zh: `sku ${sku} 不在商品资料中`,
    advice: IMPORT_ITEMS,
  }),
  unknownBarcode: (code: string) => ({
    en: `barcode ${code} is not in the item master: no item has it (add it to the item's barcode column and import the item master again, or type the SKU)`,
    zh: `条码 ${code} 不在物料主数据中，没有物料使用它（在物料主数据的“条码”列补上后重新导入，或直接输入物料编码）`,
  }),
  notAUnit: (unit: string, sku: string, known: string) => ({
    en: `${unit} is not a unit of ${sku}: its units are ${known} (set pack units in the item master's packs column)`,
    zh: `${unit} 不是 ${sku} 的单位；可用单位：${known}（包装单位在物料主数据的“包装”列设置）`,
  }),

  // The item master.
  nameBlank: () => ({ en: 'name is blank', zh: '名称为空' }),
  unitBlank: () => ({ en: 'unit is blank', zh: '单位为空' }),
  barcodeTaken: (barcode: string, sku: string, line: number) => ({
    en: `barcode ${barcode} is already given to ${sku} on line ${line}; a barcode names one item`,
    zh: `条码 ${barcode} 已在第 ${line} 行给了 ${sku}；一个条码只能对应一个物料`,
  }),
  notYesNo: (flag: string) => ({ en: `"${flag}" is not yes or no (是/否)`, zh: `“${flag}”不是“是”或“否”` }),
  lotTrackedNotYesNo: (flag: string) => ({
    en: `lot_tracked "${flag}" is not yes or no (是/否)`,
    zh: `批次管理“${flag}”不是“是”或“否”`,
  }),

  // The book (账面) and movements.
  bookLineRepeated: (sku: string, location: string, lot: string, line: number) => ({
    en: `sku ${sku} at location "${location}"${lot ? ` lot "${lot}"` : ''} is already listed on line ${line}`,
    zh: `sku ${sku} 在库位“${location}”${lot ? `批次“${lot}”` : ''}已在第 ${line} 行列出`,
  }),
  bookWhileOpen: (warehouse: string, code: string) => ({
    en: `warehouse ${warehouse} has an open stocktake ${code}; while it is open the book changes only through movements`,
    zh: `仓库 ${warehouse} 有进行中的盘点 ${code}；盘点期间账面只能通过出入库记录变动`,
    advice: {
      cli: {
        en: ' (stocktake movements import), so the count can be compared with it',
        zh: '（`stocktake movements import`），这样盘点结果才能与账面比对',
      },
      chat: { en: ', so the count can be compared with it', zh: '，这样盘点结果才能与账面比对' },
    },
  }),
  movementKind: (kind: string, kinds: string) => ({
    en: `kind "${kind}" is not one of ${kinds} (or 入库, 出库, 调拨, 调整)`,
    zh: `类型“${kind}”无效，应为 ${kinds}（或 入库、出库、调拨、调整）`,
  }),
  movementZero: () => ({ en: 'quantity is zero; a movement must move something', zh: '数量为零；出入库记录必须有数量' }),
  receiptNegative: () => ({ en: 'a receipt must have a positive quantity', zh: '入库数量必须为正数' }),
  issuePositive: () => ({
    en: 'an issue must have a negative quantity (stock leaving)',
    zh: '出库数量必须为负数（库存减少）',
  }),
  occurredInFuture: (at: string) => ({ en: `occurred_at ${at} is in the future`, zh: `发生时间 occurred_at ${at} 晚于当前时间` }),

  // Count sheets.
  countedInFuture: (at: string) => ({ en: `counted_at ${at} is in the future`, zh: `盘点时间 counted_at ${at} 晚于当前时间` }),
  countedBeforeStart: (at: string, start: string) => ({
    en: `counted_at ${at} is before the stocktake started (${start})`,
    zh: `盘点时间 counted_at ${at} 早于盘点开始时间（${start}）`,
  }),
  counterBlank: () => ({ en: 'counter is blank', zh: '盘点人为空' }),
  roundWhole: () => ({ en: 'round must be a whole number', zh: '轮次必须是整数' }),
  roundMin: () => ({ en: 'round must be 1 or more', zh: '轮次必须大于等于 1' }),
  sheetBlank: () => ({ en: 'sheet is blank', zh: '工作表名称为空' }),
  recountNobody: (code: string, counter: string) => ({
    en: `${code} is in review: only recounts are imported now, and the counter "${counter}" is nobody a recount was asked of`,
    zh: `${code} 正在审核：现在只接收复盘，而盘点人“${counter}”没有被要求复盘`,
    advice: {
      cli: { en: " (give --counter as the person's handle)", zh: '（用 --counter 指定被要求复盘的人的账号）' },
      chat: { en: '; only the person asked to recount can send the recount', zh: '；只有被要求复盘的人可以提交复盘' },
    },
  }),
  noRecountFor: (code: string, counter: string) => ({
    en: `${code} is in review and no line is waiting for a recount by ${counter}`,
    zh: `${code} 正在审核，没有等待 ${counter} 复盘的行`,
  }),
  notWaitingRecount: (line: string, counter: string) => ({
    en: `${line} is not waiting for a recount by ${counter}`,
    zh: `${line} 不在等待 ${counter} 复盘的行中；审核阶段只接收被退回复盘的行`,
  }),
  roundNotSuperseding: (round: number, current: number, line: string) => ({
    en: `round ${round} would not supersede round ${current} of ${line}`,
    zh: `第 ${round} 轮不会取代 ${line} 的第 ${current} 轮盘点`,
    advice: {
      chat: { en: '; send a recount sheet with just that line', zh: '，请再上传一份只含该行的复盘表' },
    },
  }),

  // The outcome of an import.
  invalidLines: (file: string, lines: number) => ({
    en: `${file}: ${lines} invalid line(s); nothing was imported`,
    zh: `${file}：有 ${lines} 行无效，未导入任何内容`,
    advice: {
      cli: {
        en: ' (fix them, or import the valid lines with --skip-invalid)',
        zh: '（请修正这些行，或用 --skip-invalid 只导入有效行）',
      },
      chat: { en: '; fix them and send the file again', zh: '，请修正后重新发送文件' },
      // The console's import page (src/http/pages/imports.ts) has the box that imports the valid lines.
      page: {
        en: '; fix them and upload the file again, or tick “Skip invalid lines”',
        zh: '，请修正后重新上传，或勾选“跳过无效行”',
      },
    },
  }),
  noValidRows: (file: string) => ({
    en: `${file} has no valid data rows; nothing was imported`,
    zh: `${file} 没有有效的数据行，未导入任何内容`,
  }),
  noLocationColumn: (file: string, code: string, example: string, accepted: string, typo: string | null) => ({
    en: `${file} has no location column${typo ? ` (is "${typo}" meant to be location?)` : ''}, but the book of ${code} keeps stock by location (e.g. ${example}): every count would land on a line of its own and show as a variance. Add a location column (accepted headers: ${accepted}) and send it again; nothing was imported`,
    zh: `${file} 没有库位列${typo ? `（“${typo}”是不是库位列？）` : ''}，但 ${code} 的账面按库位记录库存（如 ${example}）：每条盘点都会落到单独的一行并显示为差异。请加上库位列（可用列名：${accepted}）后重新发送；未导入任何内容`,
  }),

  // Exports of what was posted.
  exportFormat: (format: string, formats: string) => ({
    en: `format "${format}" is not one of ${formats}`,
    zh: `格式“${format}”无效，应为 ${formats} 之一`,
  }),
  exportWhat: () => ({
    en: 'give a stocktake (ST-20261125-001) or a document (PK-2026-0001) to export',
    zh: '请指定要导出的盘点（如 ST-20261125-001）或单据（如 PK-2026-0001）',
  }),
  exportNotFound: (text: string) => ({
    en: `stocktake or document "${text}" not found; give a stocktake code (ST-20261125-001), a document number (PK-2026-0001, or WH1/PK-2026-0001) or an id`,
    zh: `找不到盘点或单据“${text}”；请给出盘点编号（ST-20261125-001）、单据编号（PK-2026-0001 或 WH1/PK-2026-0001）或 ID`,
  }),
  documentNotPosted: (number: string, status: string, statusZh: string) => ({
    en: `document ${number} is ${status}, not posted; there is nothing to export yet`,
    zh: `单据 ${number} ${statusZh}，尚未过账；暂时没有可导出的内容`,
  }),
  nothingPostedNoDocuments: (code: string, status: string, statusZh: string) => ({
    en: `nothing is posted yet in stocktake ${code}: it has no documents yet (the stocktake is ${status})`,
    zh: `盘点 ${code} 还没有过账的内容：还没有单据（盘点状态：${statusZh}）`,
  }),
  nothingPosted: (code: string, documents: string, documentsZh: string) => ({
    en: `nothing is posted yet in stocktake ${code}: ${documents}`,
    zh: `盘点 ${code} 还没有过账的内容：${documentsZh}`,
  }),

  // Chats bound to a warehouse.
  unknownChatPurpose: (purpose: string, purposes: string) => ({
    en: `unknown chat purpose "${purpose}": use ${purposes}`,
    zh: `未知的群用途“${purpose}”：可用 ${purposes}`,
  }),

  // Reminders by direct message.
  quietHoursForm: (text: string) => ({
    en: `quiet hours "${text}" are not of the form HH:MM-HH:MM (e.g. 22:00-08:00)`,
    zh: `免打扰时段“${text}”的格式应为 HH:MM-HH:MM（例如 22:00-08:00）`,
  }),
  quietHoursSame: (text: string) => ({
    en: `quiet hours "${text}" start and end at the same time`,
    zh: `免打扰时段“${text}”的开始和结束时间相同`,
  }),
});

/** A document's or stocktake's status in Chinese, for texts that name it. */
export const STATUS_ZH: Record<string, string> = {
  counting: '盘点中',
  reviewing: '审核中',
  approving: '审批中',
  posted: '已过账',
  closed: '已关闭',
  cancelled: '已取消',
  rejected: '已驳回',
  withdrawn: '已撤回',
  draft: '草稿',
};

/** A status in Chinese, or the status itself when it has no Chinese word here. */
export const statusZh = (status: string): string => STATUS_ZH[status] ?? status;
