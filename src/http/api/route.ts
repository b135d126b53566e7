/**
 * One entry of the API's route table: what `mountApi` registers and what `openapi.json` documents, so the
 * two cannot drift apart. Paths are written as OpenAPI writes them (`/stocktakes/{stocktake}`), relative
 * to /api/v1; `honoPath` turns them into Hono's `:param` form.
 */
import type { z } from 'zod';
import type { AppContext } from '../app.ts';
import type { Actor, CommandContext } from '../../domain/people.ts';

export const API_BASE = '/api/v1';

export type Method = 'get' | 'post';

/** What a handler gets: the caller, the validated path, query and body, and the command context for actions. */
export interface RouteInput<Q, B> {
  /** The caller (a 401 for anonymous requests is raised before the handler runs, except on public routes). */
  actor: Actor;
  params: Record<string, string>;
  query: Q;
  body: B;
  /** The caller and, on POST, the request's `Idempotency-Key` namespaced to them. */
  ctx: CommandContext;
}

export interface ResponseDoc {
  description: string;
  /** A schema registered in `apiSchemas` (documented as a component), sent as JSON. */
  schema?: z.ZodType;
  /** Non-JSON content (downloads), documented as is. */
  content?: Record<string, { schema: Record<string, unknown> }>;
}

export interface RouteSpec<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Path parameter name → description; every `{name}` in the path must be listed. */
  params?: Record<string, string>;
  query?: Q;
  /** A JSON request body; an empty body is read as `{}`. */
  body?: B;
  /** The request body as OpenAPI describes it, for bodies that are not JSON (uploads). */
  requestBody?: Record<string, unknown>;
  /** Upper bound of the request body in bytes; default 1 MB. A function reads it from the app's deps. */
  maxBodyBytes?: (c: AppContext) => number;
  /** The success status and what it carries. */
  status: 200 | 201;
  response: ResponseDoc;
  /** Error statuses this route can answer besides 401 (and 400 for bad input, always listed). */
  errors?: number[];
  /** Served without a caller (the OpenAPI document itself). */
  public?: boolean;
  /** Returns JSON data (sent with `status`) or a ready Response (downloads). */
  handle(c: AppContext, input: RouteInput<Infer<Q>, Infer<B>>): Promise<unknown>;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

/** A route with its types erased, as the table holds it. */
export type ApiRoute = RouteSpec<z.ZodType | undefined, z.ZodType | undefined>;

/** Declares a route; the handler's query and body are typed from the schemas. */
export function defineRoute<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<Q, B>,
): ApiRoute {
  return spec as unknown as ApiRoute;
}

/** `/stocktakes/{stocktake}` → `/api/v1/stocktakes/:stocktake`. */
export const honoPath = (path: string) => `${API_BASE}${path.replace(/\{([^}]+)\}/g, ':$1')}`;

/** The names of a path's parameters, in order. */
export const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
