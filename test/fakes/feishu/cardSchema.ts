// Card JSON 2.0 as Feishu checks it when a card is sent, patched or returned in a tap's answer.
//
// What the platform documents, and this enforces:
// - 2.0 refuses what it does not know: "在 JSON 2.0 版本中，传入不支持的属性将报错" (card JSON 2.0 release
//   notes, open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-breaking-changes-release-notes).
//   The properties below are the documented ones of each component we (or a plausible card) use; an unknown
//   tag is refused too.
// - At most 200 elements or components per card, plain_text elements included ("一张卡片最多支持 200 个元素
//   （如 tag 为 plain_text 的文本元素）或组件", cardkit error 300305 in cardkit-v1/card/update).
// - At most five tables, markdown tables counted: Feishu answers 230099 with
//   "ext=ErrCode: 11310; ErrMsg: card table number over limit; ErrorValue: table;" (the message real bots log).
// - 2.0 has no `value` on a button: a tap's payload travels in `behaviors` ([{type:'callback', value:{...}}],
//   or open_url / form_action), per the button component (card-json-v2-components/interactive-components/button).
// - A form holds a submit button, and the form and every interactive component in it carry a `name` unique
//   on the whole card ("name 必须填且全局唯一，否则提交失败"; form container, card-json-v2-components/containers/form-container).
//   A form holds no table and no form.
// - 30 KB per card (230025 on send/patch; "卡片大小需控制在 30KB 以内" on the delayed update).
// Refusals carry Feishu's envelope: code 230099, msg "Failed to create card content, ext=ErrCode: …; ErrMsg: …;
// ErrorValue: …;". Only the table message is known verbatim; the other ErrMsg wordings are ours.

export const CARD_BYTES_LIMIT = 30 * 1024;
export const CARD_ELEMENTS_LIMIT = 200;
export const CARD_TABLES_LIMIT = 5;

/** Why a card was refused: Feishu's sub-code and message inside the 230099 envelope. */
export interface CardRefusal {
  errCode: number;
  errMsg: string;
  /** Where: a JSON path such as body.elements[3].behaviors. */
  errorValue: string;
}

export const refusalMessage = (r: CardRefusal) =>
  `Failed to create card content, ext=ErrCode: ${r.errCode}; ErrMsg: ${r.errMsg}; ErrorValue: ${r.errorValue};`;

const COMMON = ['tag', 'element_id', 'margin'];
const TEXT_STYLE = ['text_size', 'text_color', 'text_align', 'lines', 'i18n_content'];

/** Documented properties per component tag (card JSON 2.0 component pages). */
const COMPONENTS: Record<string, string[]> = {
  markdown: ['content', 'text_align', 'text_size', 'icon', 'i18n_content'],
  div: ['text', 'icon', 'width'],
  hr: [],
  img: [
    'img_key',
    'alt',
    'title',
    'transparent',
    'preview',
    'corner_radius',
    'scale_type',
    'size',
    'custom_width',
    'compact_width',
    'mode',
  ],
  table: ['page_size', 'row_height', 'row_max_height', 'freeze_first_column', 'header_style', 'columns', 'rows'],
  column_set: ['horizontal_spacing', 'horizontal_align', 'flex_mode', 'background_style', 'columns', 'action', 'padding'],
  column: [
    'background_style',
    'elements',
    'width',
    'weight',
    'vertical_align',
    'vertical_spacing',
    'horizontal_align',
    'horizontal_spacing',
    'direction',
    'padding',
    'action',
  ],
  button: [
    'type',
    'size',
    'width',
    'text',
    'icon',
    'hover_tips',
    'disabled',
    'disabled_tips',
    'confirm',
    'behaviors',
    'name',
    'form_action_type',
  ],
  select_static: ['type', 'name', 'required', 'disabled', 'width', 'placeholder', 'initial_option', 'options', 'confirm', 'behaviors'],
  input: [
    'name',
    'required',
    'disabled',
    'placeholder',
    'default_value',
    'width',
    'max_length',
    'input_type',
    'show_icon',
    'rows',
    'auto_resize',
    'max_rows',
    'label',
    'label_position',
    'value',
    'confirm',
    'fallback',
    'behaviors',
  ],
  form: ['name', 'elements', 'direction', 'padding', 'horizontal_spacing', 'vertical_spacing', 'horizontal_align', 'vertical_align'],
  collapsible_panel: ['expanded', 'header', 'border', 'background_color', 'elements', 'direction', 'padding', 'vertical_spacing'],
  interactive_container: [
    'width',
    'height',
    'background_style',
    'has_border',
    'border_color',
    'corner_radius',
    'padding',
    'behaviors',
    'disabled',
    'hover_tips',
    'elements',
    'direction',
    'horizontal_spacing',
    'vertical_spacing',
  ],
};
/** Text objects inside components (titles, labels, button texts): elements that count toward the 200. */
const TEXT_TAGS: Record<string, string[]> = {
  plain_text: ['content', ...TEXT_STYLE],
  lark_md: ['content', ...TEXT_STYLE],
  standard_icon: ['token', 'color', 'size'],
  custom_icon: ['img_key', 'size'],
  text_tag: ['text', 'color'],
};
const ROOT = ['schema', 'config', 'card_link', 'header', 'body'];
const CONFIG = [
  'streaming_mode',
  'streaming_config',
  'summary',
  'locales',
  'enable_forward',
  'update_multi',
  'width_mode',
  'use_custom_translation',
  'enable_forward_interaction',
  'style',
];
const HEADER = ['title', 'subtitle', 'text_tag_list', 'i18n_text_tag_list', 'template', 'icon', 'ud_icon', 'padding'];
const BODY = ['direction', 'padding', 'horizontal_spacing', 'vertical_spacing', 'horizontal_align', 'vertical_align', 'elements'];
const TABLE_COLUMN = ['name', 'display_name', 'data_type', 'horizontal_align', 'vertical_align', 'width', 'format', 'date_format'];
const TABLE_HEADER_STYLE = ['text_align', 'text_size', 'background_style', 'text_color', 'bold', 'lines'];
const CONFIRM = ['title', 'text'];
const OPTION = ['text', 'value', 'icon'];
const BEHAVIORS: Record<string, string[]> = {
  callback: ['type', 'value'],
  open_url: ['type', 'default_url', 'pc_url', 'ios_url', 'android_url'],
  form_action: ['type', 'behavior'],
};

/**
 * Markdown tables in a text, as GFM reads them (Feishu's markdown component renders GFM tables): a header
 * row with a `|` followed by a delimiter row of dashes (`| --- | :-: |`, outer pipes optional).
 */
export function markdownTables(content: string): number {
  const lines = content.split('\n');
  const delimiter = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
  let n = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = lines[i]!;
    const next = lines[i + 1]!;
    if (header.includes('|') && delimiter.test(next) && (next.includes('|') || header.trim().startsWith('|'))) n++;
  }
  return n;
}

class Refused extends Error {
  constructor(readonly refusal: CardRefusal) {
    super(refusalMessage(refusal));
  }
}
const refuse = (errMsg: string, errorValue: string, errCode = 11310): never => {
  throw new Refused({ errCode, errMsg, errorValue });
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(o: Obj, allowed: string[], path: string) {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) refuse(`unknown property ${k}`, `${path}.${k}`);
}

/** Counts what a card holds, and refuses what Feishu would. */
export function checkCard(card: unknown): { elements: number; tables: number } {
  let elements = 0;
  let tables = 0;
  const names = new Set<string>();
  /** Submit buttons seen in the form being checked. */
  let submits = 0;
  const FORM_FIELDS = new Set(['input', 'select_static', 'multi_select_static', 'select_person', 'date_picker', 'picker_time', 'checker']);

  function named(el: Obj, path: string) {
    if (typeof el.name !== 'string' || el.name === '') return refuse(`${String(el.tag)} in a form needs a name`, `${path}.name`);
    if (names.has(el.name)) refuse(`name ${el.name} is not unique on the card`, `${path}.name`);
    names.add(el.name);
  }

  function text(v: unknown, path: string) {
    if (v === undefined) return;
    if (!isObj(v) || typeof v.tag !== 'string' || !TEXT_TAGS[v.tag]) return refuse('invalid text element', path);
    only(v, ['tag', ...TEXT_TAGS[v.tag]!], path);
    elements++;
  }

  function behaviors(v: unknown, path: string) {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0) return refuse('behaviors must be a non-empty array', path);
    v.forEach((b, i) => {
      const p = `${path}[${i}]`;
      if (!isObj(b) || typeof b.type !== 'string' || !BEHAVIORS[b.type]) return refuse('unknown behavior type', p);
      only(b, BEHAVIORS[b.type]!, p);
      if (b.type === 'callback' && b.value !== undefined && !isObj(b.value) && typeof b.value !== 'string')
        refuse('callback value must be an object or a string', `${p}.value`);
      if (b.type === 'open_url' && typeof b.default_url !== 'string') refuse('open_url needs default_url', p);
    });
  }

  function component(el: unknown, path: string, inForm: boolean) {
    if (!isObj(el) || typeof el.tag !== 'string') return refuse('element without a tag', path);
    const allowed = COMPONENTS[el.tag];
    if (!allowed) return refuse(`unknown tag ${el.tag}`, `${path}.tag`);
    only(el, [...COMMON, ...allowed], path);
    elements++;
    if (inForm && (FORM_FIELDS.has(el.tag) || (el.tag === 'button' && el.form_action_type !== undefined))) named(el, path);
    if (el.tag === 'table' && inForm) refuse('a form cannot hold a table', path);
    switch (el.tag) {
      case 'markdown':
        if (typeof el.content !== 'string') refuse('markdown needs content', path);
        tables += markdownTables(el.content as string);
        break;
      case 'table': {
        tables++;
        if (!Array.isArray(el.columns) || el.columns.length === 0) refuse('table needs columns', `${path}.columns`);
        (el.columns as unknown[]).forEach((c, i) =>
          isObj(c) ? only(c, TABLE_COLUMN, `${path}.columns[${i}]`) : refuse('bad column', path),
        );
        if (el.header_style !== undefined) only(el.header_style as Obj, TABLE_HEADER_STYLE, `${path}.header_style`);
        if (!Array.isArray(el.rows)) refuse('table needs rows', `${path}.rows`);
        break;
      }
      case 'column_set':
        if (!Array.isArray(el.columns)) refuse('column_set needs columns', `${path}.columns`);
        (el.columns as unknown[]).forEach((c, i) => {
          if (!isObj(c) || c.tag !== 'column') refuse('a column_set holds columns', `${path}.columns[${i}]`);
          component(c, `${path}.columns[${i}]`, inForm);
        });
        break;
      case 'column':
      case 'form':
      case 'collapsible_panel':
      case 'interactive_container':
        if (el.tag === 'form' && inForm) refuse('a form cannot hold a form', path);
        if (el.tag === 'form') {
          named(el, path);
          submits = 0;
        }
        ((el.elements as unknown[] | undefined) ?? []).forEach((c, i) =>
          component(c, `${path}.elements[${i}]`, inForm || el.tag === 'form'),
        );
        if (el.tag === 'form' && submits === 0) refuse('a form needs a submit button', path);
        break;
      case 'button':
        text(el.text, `${path}.text`);
        if (el.confirm !== undefined) {
          only(el.confirm as Obj, CONFIRM, `${path}.confirm`);
          text((el.confirm as Obj).title, `${path}.confirm.title`);
          text((el.confirm as Obj).text, `${path}.confirm.text`);
        }
        if (el.form_action_type !== undefined && !inForm) refuse('form_action_type outside a form', path);
        if (el.form_action_type === 'submit') submits++;
        behaviors(el.behaviors, `${path}.behaviors`);
        break;
      case 'select_static':
        text(el.placeholder, `${path}.placeholder`);
        if (!Array.isArray(el.options)) refuse('select_static needs options', `${path}.options`);
        (el.options as unknown[]).forEach((o, i) => {
          only(o as Obj, OPTION, `${path}.options[${i}]`);
          text((o as Obj).text, `${path}.options[${i}].text`);
        });
        behaviors(el.behaviors, `${path}.behaviors`);
        break;
      case 'input':
        text(el.placeholder, `${path}.placeholder`);
        text(el.label, `${path}.label`);
        behaviors(el.behaviors, `${path}.behaviors`);
        break;
      case 'img':
        text(el.alt, `${path}.alt`);
        text(el.title, `${path}.title`);
        if (typeof el.img_key !== 'string') refuse('img needs img_key', path);
        break;
      case 'div':
        text(el.text, `${path}.text`);
        break;
    }
  }

  try {
    if (!isObj(card)) refuse('card is not an object', '$');
    const c = card as Obj;
    if (c.schema !== '2.0') return { elements, tables }; // 1.0 ignores what it does not know; only 2.0 is checked
    only(c, ROOT, '$');
    if (c.config !== undefined) {
      only(c.config as Obj, CONFIG, 'config');
      if ((c.config as Obj).update_multi === false) refuse('update_multi must be true in JSON 2.0', 'config.update_multi');
    }
    if (c.header !== undefined) {
      const h = c.header as Obj;
      only(h, HEADER, 'header');
      text(h.title, 'header.title');
      text(h.subtitle, 'header.subtitle');
    }
    const body = (c.body ?? {}) as Obj;
    only(body, BODY, 'body');
    ((body.elements as unknown[] | undefined) ?? []).forEach((el, i) => component(el, `body.elements[${i}]`, false));
    if (tables > CARD_TABLES_LIMIT) refuse('card table number over limit', 'table');
    if (elements > CARD_ELEMENTS_LIMIT) refuse(`card element number over limit (${elements} > ${CARD_ELEMENTS_LIMIT})`, 'body');
  } catch (e) {
    if (e instanceof Refused) throw e;
    throw new Refused({ errCode: 11310, errMsg: `malformed card: ${String(e)}`, errorValue: '$' });
  }
  return { elements, tables };
}

/** The refusal Feishu would give this card, or null when it would show it. */
export function cardRefusal(card: unknown): CardRefusal | null {
  try {
    checkCard(card);
    if (Buffer.byteLength(JSON.stringify(card)) > CARD_BYTES_LIMIT) return { errCode: 230025, errMsg: 'card over 30 KB', errorValue: '$' };
    return null;
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}
