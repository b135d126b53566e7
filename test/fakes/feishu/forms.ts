// What the Feishu client sends when a person submits a form on a card (card JSON 2.0 form container,
// open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container):
// - one callback, from the form's submit button (`form_action_type: 'submit'`), carrying that button's
//   behaviors value and `form_value`: each filled field of that form by its `name`;
// - a field marked `required` and left empty stops the submit on the phone: nothing is sent;
// - a select sends one of its options' values; an input at most its `max_length` characters.
// A submission that names a field the form does not have, or an option the select does not offer, cannot
// be made in the client: the fake refuses it as a test mistake.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function forms(card: unknown): Obj[] {
  const out: Obj[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isObj(n)) {
      if (n.tag === 'form') out.push(n);
      else Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

function components(form: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isObj(n)) {
      if (typeof n.tag === 'string' && n !== form) out.push(n);
      Object.values(n).forEach(walk);
    }
  };
  walk(form.elements);
  return out;
}

/**
 * The callback a submit of the form holding every field in `values` makes: the submit button's value and
 * the form's values (what was given, else a select's `initial_option`). Throws, as the client would not
 * send, when a required field is empty.
 */
export function formSubmission(card: unknown, values: Record<string, string>): { value: Obj; formValue: Record<string, string> } {
  const keys = Object.keys(values);
  const form = forms(card).find((f) => {
    const names = new Set(components(f).map((c) => c.name));
    return keys.every((k) => names.has(k));
  });
  if (!form) throw new Error(`fake feishu: no form on the card has the fields ${keys.join(', ')}`);
  const fields = components(form).filter((c) => c.tag === 'input' || c.tag === 'select_static');
  const formValue: Record<string, string> = {};
  for (const f of fields) {
    const name = f.name as string;
    const given = values[name];
    const value = given ?? (f.tag === 'select_static' && typeof f.initial_option === 'string' ? f.initial_option : undefined);
    if (f.tag === 'select_static' && value !== undefined) {
      const offered = ((f.options as Obj[] | undefined) ?? []).map((o) => o.value);
      if (!offered.includes(value)) throw new Error(`fake feishu: select ${name} offers no option ${value}`);
    }
    if (f.tag === 'input' && value !== undefined && typeof f.max_length === 'number' && [...value].length > f.max_length)
      throw new Error(`fake feishu: input ${name} takes at most ${f.max_length} characters`);
    if (f.required === true && !value?.trim()) throw new Error(`fake feishu: ${name} is required; the client does not submit the form`);
    if (value !== undefined) formValue[name] = value;
  }
  const submit = components(form).find((c) => c.tag === 'button' && c.form_action_type === 'submit');
  const value = (submit?.behaviors as { value?: Obj }[] | undefined)?.[0]?.value;
  if (!value) throw new Error('fake feishu: the form has no submit button with a callback');
  return { value, formValue };
}
