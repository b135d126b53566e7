import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

/**
 * PGlite's `query` parses, plans and describes every statement anew, in six calls into its WebAssembly
 * (parse, describe, bind, describe, execute, sync). This runs a statement with parameters as a named
 * prepared statement of PGlite's one session instead: parsed and described once, then bound, run and
 * synced in one call, with Postgres's plan cache choosing a generic plan as on a server (postgres.js
 * prepares the same statements there; see `preparing` in client.ts).
 *
 * Measured in-process (PGlite 0.5, this machine, 3,000 runs of a two-table select by primary key after a
 * warm-up): 0.275 ms a statement through PGlite's `query`, 0.070 ms prepared. In `npm run bench:writes` on
 * PGlite at 16 clients a review action went from 6.55 to 3.79 ms of CPU and an approval from 16.3 to 6.89.
 *
 * Statements without parameters (DDL, COPY, a query built with its values inlined) and queries that carry
 * a blob go through PGlite's own `query` as before. The last {@link LIMIT} statements are kept; an older
 * one is closed with the next statement prepared. Statement names are a session's, so they outlive a
 * rolled-back transaction, and Postgres plans one again when a schema change invalidates it.
 */
const LIMIT = 500;

interface Statement {
  name: string;
  /** The parameter types Postgres inferred, for PGlite's serializers. */
  types: number[];
}

/** The members of PGlite the statements are run through; PGlite's own `query` uses the same. */
interface Engine {
  serializers: Record<number, (value: unknown) => string>;
  parsers: Parameters<typeof parse.parseResults>[1];
  _checkReady(): Promise<void>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolStream(message: Uint8Array, options: { syncToFs: boolean }): Promise<Parameters<typeof parse.parseResults>[0]>;
  syncToFs(): Promise<void>;
}

type Query = (text: string, params?: unknown[], options?: QueryOptions) => Promise<Results>;

export interface PreparedQueries {
  /** `query` for the instance, outside a transaction. */
  query: Query;
  /** `query` for one of its transactions (run within the transaction's hold on the instance). */
  inTransaction(tx: Transaction): Query;
}

export function preparedQueries(pglite: PGlite, limit = LIMIT): PreparedQueries {
  const engine = pglite as unknown as Engine;
  const statements = new Map<string, Statement>();
  const unused: string[] = [];
  let made = 0;

  async function prepare(text: string): Promise<Statement> {
    const known = statements.get(text);
    if (known) {
      // Most recently used last: the oldest is the first to go.
      statements.delete(text);
      statements.set(text, known);
      return known;
    }
    const name = `stocktake_${++made}`;
    const closing = unused.splice(0).map((old) => protocol.serialize.close({ type: 'S', name: old }));
    const replies = await engine.execProtocolStream(
      Buffer.concat([
        ...closing,
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const description = replies.find((reply) => reply.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
    const statement = { name, types: description?.dataTypeIDs ?? [] };
    statements.set(text, statement);
    if (statements.size > limit) {
      const [oldest] = statements;
      statements.delete(oldest![0]);
      unused.push(oldest![1].name);
    }
    return statement;
  }

  async function run(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Results> {
    try {
      const statement = await prepare(text);
      const values = params.map((value, i) => {
        if (value == null) return null;
        const type = statement.types[i]!;
        const serializer = options?.serializers?.[type] ?? engine.serializers[type];
        return serializer ? serializer(value) : String(value);
      });
      const replies = await engine.execProtocolStream(
        Buffer.concat([
          protocol.serialize.bind({ statement: statement.name, values }),
          protocol.serialize.describe({ type: 'P' }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      );
      return parse.parseResults(replies, engine.parsers, options)[0]!;
    } catch (error) {
      // Postgres cannot re-plan a prepared statement whose columns a schema change altered: the next call
      // prepares it anew.
      const stale = statements.get(text);
      if ((error as { code?: string }).code === '0A000' && stale) {
        statements.delete(text);
        unused.push(stale.name);
      }
      // As PGlite's own query tells its errors.
      if (error instanceof Error) Object.assign(error, { query: text, params, queryOptions: options });
      throw error;
    }
  }

  const unprepared = (params: unknown[] | undefined, options: QueryOptions | undefined) => !params?.length || options?.blob !== undefined;

  return {
    async query(text, params, options) {
      if (unprepared(params, options)) return pglite.query(text, params, options);
      await engine._checkReady();
      return engine._runExclusiveTransaction(async () => {
        const result = await engine.runExclusive(() => run(text, params!, options));
        await engine.syncToFs();
        return result;
      });
    },
    inTransaction(tx) {
      return async (text, params, options) => {
        if (unprepared(params, options)) return tx.query(text, params, options);
        if (tx.closed) throw new Error('Transaction is closed');
        return engine.runExclusive(() => run(text, params!, options));
      };
    },
  };
}
