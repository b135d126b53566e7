/** What the benchmarks share: the Postgres server they measure against, and whether it is there. */
import postgres from 'postgres';

/** The admin URL of the Postgres server the benchmarks create their databases on. */
export const PG_ADMIN = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** True when the server answers; a benchmark then measures Postgres too, else says it skipped it. */
export async function postgresReachable(url = PG_ADMIN): Promise<boolean> {
  const client = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}
