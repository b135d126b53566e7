// The card template contract, read from a template JSON as DingTalk's card platform exports it
// ({editorData: "<JSON text>", widgetInfo, type, mode}; format as in open-dingtalk/dingtalk-card-examples,
// e.g. examples/循环渲染容器之交互组件的使用与服务端更新/*.json). The fake holds a delivered card to it:
// - every variable in cardData/privateData must be declared in `editorData.variableList` (DingTalk renders
//   an undeclared one nowhere, so sending it is a bug in the sender);
// - a loopArray variable is a JSON array of objects with only the fields its `schema` declares, a
//   selectOptions variable a JSON array of {value, text}, a number / boolean variable the JSON of one;
// - a tap is reported as the template's components report it: a button inside a Loop with actionId
//   `${loop.<field>}` sends actionIds [that field of its row]; a SelectBlock sends actionIds [its id] and
//   params {[id]: {index}} plus the params it declares (examples' nodejs/index.ts reads
//   `params[name].index`); an Input sends actionIds [its id] and params {[id]: "<text>"} (its event chain,
//   `@dtMapAppend{null, <id>, main_success.value}`).
import { readFileSync } from 'node:fs';

export interface TemplateVariable {
  name: string;
  type: string;
  private: boolean;
  /** For a loopArray: the fields of one row. */
  fields?: string[];
}

interface Param {
  name: string;
  variable: string;
}

export interface CardTemplate {
  variables: Map<string, TemplateVariable>;
  /** Buttons repeated by a Loop over `list`, each reporting actionIds [row[idField]]. */
  loopButtons: { list: string; idField: string }[];
  selects: { id: string; options: string; index?: string; params: Param[] }[];
  inputs: { id: string; params: Param[] }[];
}

interface Node {
  componentName: string;
  props?: Record<string, any>;
  children?: Node[];
}

/** `${name}` or `${loop.name}` → the name; anything else (a fixed text) → undefined. */
const bound = (content: unknown): string | undefined => /^\$\{(?:loop\.)?([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(String(content ?? ''))?.[1];

const params = (list: unknown): Param[] =>
  (Array.isArray(list) ? list : [])
    .filter((p: any) => p?.type === 'variable' && p.name && p.variable)
    .map((p: any) => ({ name: String(p.name), variable: String(p.variable) }));

/** Loads and reads a template JSON file; throws when it is not one. */
export function loadCardTemplate(path: string): CardTemplate {
  const file = JSON.parse(readFileSync(path, 'utf8')) as { editorData?: unknown };
  if (typeof file.editorData !== 'string') throw new Error(`${path}: not a card template export (no editorData string)`);
  const editor = JSON.parse(file.editorData) as { variableList?: any[]; schema?: { componentsTree?: Node[] } };
  const variables = new Map<string, TemplateVariable>();
  for (const v of editor.variableList ?? []) {
    const fields = v.type === 'loopArray' && Array.isArray(v.schema) ? v.schema.map((f: any) => String(f.name)) : undefined;
    variables.set(String(v.name), { name: String(v.name), type: String(v.type), private: v.private === true, ...(fields && { fields }) });
  }
  const template: CardTemplate = { variables, loopButtons: [], selects: [], inputs: [] };
  const walk = (node: Node, loopList: string | undefined) => {
    const p = node.props ?? {};
    let list = loopList;
    if (node.componentName === 'Loop') list = p.listData?.variable;
    if (['SingleButton', 'ButtonBlock'].includes(node.componentName) && p.actionType === 'request' && list) {
      const idField = bound(p.actionId?.content);
      if (idField) template.loopButtons.push({ list, idField });
    }
    if (node.componentName === 'SelectBlock' && p.actionType === 'request') {
      const id = bound(p.id?.content);
      if (id && p.options?.variable)
        template.selects.push({ id, options: p.options.variable, index: p.currentIndex?.variable, params: params(p.params) });
    }
    if (node.componentName === 'Input' && p.actionType === 'request') {
      const id = bound(p.id?.content);
      if (id) template.inputs.push({ id, params: params(p.params) });
    }
    for (const child of node.children ?? []) walk(child, list);
  };
  for (const root of editor.schema?.componentsTree ?? []) walk(root, undefined);
  return template;
}

/** Why a card data map breaks the template's contract, or undefined when it keeps it. */
export function templateProblem(template: CardTemplate, map: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(map)) {
    const v = template.variables.get(key);
    if (!v) return `variable ${key} is not declared in the card template`;
    const json = () => {
      try {
        return { ok: true as const, value: JSON.parse(value) as unknown };
      } catch {
        return { ok: false as const };
      }
    };
    if (v.type === 'loopArray') {
      const parsed = json();
      if (!parsed.ok || !Array.isArray(parsed.value)) return `variable ${key} (loopArray) is not a JSON array`;
      for (const row of parsed.value) {
        if (!row || typeof row !== 'object' || Array.isArray(row)) return `variable ${key} (loopArray) holds a non-object row`;
        const extra = Object.keys(row).find((f) => !v.fields?.includes(f));
        if (extra) return `variable ${key} (loopArray) row field ${extra} is not declared in its schema`;
      }
    } else if (v.type === 'selectOptions') {
      const parsed = json();
      if (!parsed.ok || !Array.isArray(parsed.value)) return `variable ${key} (selectOptions) is not a JSON array`;
      if (!parsed.value.every((o: any) => o && typeof o.value === 'string' && o.text && typeof o.text === 'object'))
        return `variable ${key} (selectOptions) needs [{value, text:{zh_CN,...}}]`;
    } else if (v.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return `variable ${key} (number) is not a number: ${value}`;
    } else if (v.type === 'boolean') {
      if (value !== 'true' && value !== 'false') return `variable ${key} (boolean) is not "true" or "false": ${value}`;
    }
  }
  return undefined;
}

/** A user's tap on a delivered card, by what they touched. */
export type TemplateTap = { button: string } | { select: number } | { input: string };

/**
 * The `cardPrivateData` the template reports for a tap on a card showing `data` (public data merged with the
 * tapper's private data), or an error when the card shows no such control.
 */
export function tapContent(
  template: CardTemplate,
  data: Record<string, string>,
  tap: TemplateTap,
): { actionIds: string[]; params: Record<string, unknown> } | { error: string } {
  const parse = (raw: string | undefined): unknown => {
    try {
      return JSON.parse(raw ?? '');
    } catch {
      return undefined;
    }
  };
  const echo = (list: Param[]) => Object.fromEntries(list.map((p) => [p.name, data[p.variable] ?? '']));
  if ('button' in tap) {
    for (const loop of template.loopButtons) {
      const rows = parse(data[loop.list]);
      if (!Array.isArray(rows)) continue;
      if (rows.some((r: any) => r?.[loop.idField] === tap.button)) return { actionIds: [tap.button], params: {} };
    }
    return { error: `the card shows no button with id ${tap.button}` };
  }
  if ('select' in tap) {
    const select = template.selects.find((s) => data[s.id]);
    if (!select) return { error: 'the card shows no select' };
    const options = parse(data[select.options]);
    if (!Array.isArray(options) || tap.select < 0 || tap.select >= options.length)
      return { error: `the select has no option ${tap.select}` };
    const id = data[select.id]!;
    return { actionIds: [id], params: { ...echo(select.params), [id]: { index: tap.select } } };
  }
  const input = template.inputs.find((i) => data[i.id]);
  if (!input) return { error: 'the card shows no input' };
  const id = data[input.id]!;
  return { actionIds: [id], params: { ...echo(input.params), [id]: tap.input } };
}
