/**
 * The dashboard's charts go through the shared server-side renderer in src/charts/render.ts (the digests'
 * PNG charts use the same one). This module stays for code written against its earlier signature.
 */
import { renderSvg as render, type EChartsOption } from '../../charts/render.ts';

export type ChartOption = EChartsOption;

/** @deprecated Use `renderSvg(option, { width, height })` from src/charts/render.ts. */
export function renderSvg(option: ChartOption, width: number, height: number): string {
  return render(option, { width, height });
}
