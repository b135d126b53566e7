/**
 * Debian's Chromium for the browser tests, driven by playwright-core. Where it is not installed the
 * browser suites skip with a notice; under CI=true a missing browser fails instead (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when the browser suites can run; prints why not otherwise (and throws under CI). */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but no Chromium at ${CHROMIUM}: install it with apt-get install -y chromium`);
  console.warn(`[browser tests] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return false;
}

/** Headless Chromium with the flags this machine's closed network needs (and `extraArgs`, e.g. a fake camera). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** A phone as the issue tried it (390×844), the narrowest we support (360), and the desktop the walk uses. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const NARROW: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

/** The browser's globals inside page.evaluate (the project's tsconfig has no DOM library). */
// biome-ignore lint/suspicious/noExplicitAny: typed by the browser, not by this file
declare const document: any, window: any;

/**
 * What is wrong with the page's layout: a page wider than the window, no viewport meta tag, emoji left to
 * the browser's fonts (Debian's Chromium draws them as empty boxes), and on touch screens controls lower
 * than 44 px (links inside running text are exempt, as in WCAG 2.5.5).
 */
export function layoutProblems(page: Page, touch: boolean): Promise<string[]> {
  // A mobile browser widens its layout viewport to fit a page that is too wide (window.innerWidth grows with
  // it), so the page is measured against the screen's width, not the window's.
  const screenWidth = page.viewportSize()!.width;
  return page.evaluate(
    ([touch, screenWidth]) => {
      const problems: string[] = [];
      const width = Math.max(document.scrollingElement!.scrollWidth, window.innerWidth);
      if (width > screenWidth) problems.push(`the page scrolls sideways: ${width} px on a ${screenWidth} px screen`);
      const viewport = document.querySelector('meta[name=viewport]')?.getAttribute('content') ?? '';
      if (!viewport.includes('width=device-width')) problems.push('no viewport meta tag');
      const emoji = document.body.innerText.match(/\p{Emoji_Presentation}|\uFE0F/gu);
      if (emoji) problems.push(`emoji left to the fonts: ${[...new Set(emoji)].join(' ')}`);
      if (touch) {
        const controls = document.querySelectorAll(
          'button, .btn, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, nav.top a, summary',
        );
        for (const el of controls) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue; // not shown (a closed drawer, a desktop-only part)
          if (r.height < 43.5) problems.push(`a ${Math.round(r.height)} px high touch target: ${el.outerHTML.slice(0, 100)}`);
        }
      }
      return problems;
    },
    [touch, screenWidth] as const,
  );
}

/** Null when the element is inside the window and a tap on its centre reaches it; else what is wrong. */
export function reachProblem(target: Locator): Promise<string | null> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.left < 0 || r.top < 0 || r.right > window.innerWidth + 0.5 || r.bottom > window.innerHeight + 0.5)
      return `${el.outerHTML.slice(0, 80)} is outside the ${window.innerWidth}×${window.innerHeight} window: ${JSON.stringify(r)}`;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit && (hit === el || el.contains(hit)) ? null : `${el.outerHTML.slice(0, 80)} is covered by ${hit?.outerHTML.slice(0, 80)}`;
  });
}
