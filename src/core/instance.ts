import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Identifies this process wherever instances record who holds something (job_run, poller_lease): host:pid:random. */
export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
