/** The counting page's unit picker and its "how many?" dialog (items that ask the quantity on a scan). */
import { fill, type CountingWords } from '../pages/countingWords.ts';
import type { Lookup } from './api.ts';
import { fromScaled, toScaled } from './lines.ts';

/** The item's base unit and its pack units ("箱 (12)") as the options of `select`, `chosen` selected. */
export function unitOptions(select: HTMLSelectElement, item: Lookup, chosen: string | undefined): void {
  const units = [item.unit ?? '', ...item.packs.map((p) => p.unit)];
  select.replaceChildren(
    ...units.map((u) => {
      const pack = item.packs.find((p) => p.unit === u);
      const option = new Option(pack ? `${u} (${pack.factor})` : u || '—', u);
      option.selected = u === (chosen ?? item.unit ?? '');
      return option;
    }),
  );
}

export type Asked = { qty: string; unit: string | undefined } | { bad: string } | null;

/** Asks how many of `item` (in a unit of its own), resolving with the answer, null when cancelled. */
export function askQuantity(dialog: HTMLDialogElement, item: Lookup, unit: string | undefined, w: CountingWords): Promise<Asked> {
  const form = dialog.querySelector('form')!;
  const qty = form.elements.namedItem('qty') as HTMLInputElement;
  const select = form.elements.namedItem('unit') as HTMLSelectElement;
  dialog.querySelector('h2')!.textContent = fill(w.qtyTitle, { sku: item.sku, name: item.name ?? '' });
  unitOptions(select, item, unit);
  select.closest('label')!.hidden = item.packs.length === 0;
  qty.value = '';
  dialog.showModal();
  qty.focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (dialog.returnValue !== 'ok') return resolve(null);
        const value = toScaled(qty.value, false);
        if (value === null || value === 0n) return resolve({ bad: fill(w.badQty, { text: qty.value }) });
        resolve({ qty: fromScaled(value), unit: select.value || undefined });
      },
      { once: true },
    );
  });
}
