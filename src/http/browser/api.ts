/**
 * Calls from the counting page to /api/v1 with the session cookie, turning each answer into data or an
 * `ApiError` whose text is in the page's language (the server's `localized` text, else its message).
 */
import type { SendOutcome } from './queue.ts';

export type Locale = 'en' | 'zh-CN';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No answer from the server: offline, or the connection dropped. */
export class NetworkError extends Error {}

interface ErrorBody {
  error?: { code?: string; message?: string; localized?: Partial<Record<Locale, string>> };
}

export function createApi(stocktake: string, locale: Locale) {
  const base = `/api/v1/stocktakes/${encodeURIComponent(stocktake)}`;

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...init.headers } });
    } catch (error) {
      throw new NetworkError((error as Error).message);
    }
  }

  async function failure(res: Response): Promise<ApiError> {
    const body = (await res.json().catch(() => ({}))) as ErrorBody;
    const text = body.error?.localized?.[locale] ?? body.error?.message ?? `${res.status} ${res.statusText}`;
    return new ApiError(res.status, body.error?.code ?? String(res.status), text);
  }

  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await request(path, init);
    if (!res.ok) throw await failure(res);
    return (await res.json()) as T;
  }

  const post = <T>(path: string, body: unknown) =>
    json<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  return {
    context: () => json<ScanContext>(`${base}/scan`),
    lookup: (code: string) => json<Lookup>(`${base}/scan/lookup?code=${encodeURIComponent(code)}`),
    entries: (location: string) => json<ScanLocation>(`${base}/scan/entries?location=${encodeURIComponent(location)}`),
    done: (location: string) => post<DoneResult>(`${base}/scan/done`, { location }),
    photo: (location: string, file: Blob) =>
      json<{ sha256: string }>(`${base}/photos?location=${encodeURIComponent(location)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      }),
    /** One batch of the queue: what became of it, never thrown. */
    async send(entries: { id: string; location: string; code: string; qty: string; unit?: string; at: string }[]): Promise<SendOutcome> {
      let res: Response;
      try {
        res = await request(`${base}/scan/entries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ entries }),
        });
      } catch {
        return { kind: 'unreachable' };
      }
      if (res.ok) {
        const body = (await res.json()) as EntriesAnswer;
        return { kind: 'answered', accepted: body.accepted.map((a) => a.id), rejected: body.rejected, body };
      }
      if (res.status >= 500 || res.status === 429 || res.status === 408) {
        const retryAfter = Number(res.headers.get('retry-after'));
        return { kind: 'unavailable', status: res.status, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
      }
      return { kind: 'refused', status: res.status, message: (await failure(res)).message };
    },
  };
}

export type Api = ReturnType<typeof createApi>;

export interface ScanContext {
  stocktake: string;
  warehouse: string;
  status: string;
  blind: boolean;
  showsBookFigures: boolean;
  canCount: boolean;
  round: number;
  locations: { location: string; lines: number; counted: number; doneByMe: boolean }[];
}

export interface Lookup {
  code: string;
  sku: string;
  name: string | null;
  unit: string | null;
  packs: { unit: string; factor: string }[];
  asksQty: boolean;
}

export interface ScanLine {
  sku: string;
  name: string | null;
  unit: string | null;
  qty: string;
  countedAs: string | null;
  expected: string | null;
}

export interface ScanLocation {
  location: string;
  done: boolean;
  lines: ScanLine[];
}

export interface EntriesAnswer {
  accepted: { id: string; sku: string; qty: string; duplicate: boolean }[];
  rejected: { id: string; code: string; message: string; localized?: Partial<Record<Locale, string>> }[];
  locations: ScanLocation[];
}

export interface DoneResult {
  location: string;
  importId: string;
  round: number;
  linesCounted: number;
  linesVerified: number;
  linesInConflict: number;
}
