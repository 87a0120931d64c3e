import { AsyncLocalStorage } from 'node:async_hooks';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import type { Executor } from '../db/database.ts';
import type { RegistryFrameRow } from '../db/schema.ts';

/**
 * The frames a job exchanged with a registry. The worker runs a job's outside step inside
 * `forJob`, so a registry backend that speaks over the wire can file what it sent and received
 * under the job's id without the port knowing about jobs; `dmapid job show` prints them.
 */
const currentJob = new AsyncLocalStorage<number>();

export function forJob<T>(jobId: number, fn: () => Promise<T>): Promise<T> {
  return currentJob.run(jobId, fn);
}

/** The job whose outside step is running here, if any. */
export const jobInProgress = (): number | undefined => currentJob.getStore();

const MASK = '********';
/** Elements whose text is a secret: login passwords (pw, newPW) and auth codes (domain/contact pw). */
const secret = new Set(['pw', 'newPW']);

/** The frame with passwords and auth codes replaced (an empty pw stays empty: it carries no secret). */
export function maskFrame(xml: string): string {
  try {
    let broken = false;
    const doc = new DOMParser({ onError: () => void (broken = true) }).parseFromString(xml, 'text/xml');
    if (broken || !doc.documentElement) throw new Error('not well-formed');
    const walk = (e: Element) => {
      if (secret.has(e.localName ?? '') && (e.textContent ?? '') !== '') e.textContent = MASK;
      for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) walk(n as Element);
    };
    walk(doc.documentElement);
    return new XMLSerializer().serializeToString(doc);
  } catch {
    // Not XML after all: mask anything that looks like a pw element, whatever its prefix.
    return xml.replace(/(<(?:[\w-]+:)?(?:pw|newPW)\b[^>]*>)[^<]+(<\/)/g, `$1${MASK}$2`);
  }
}

export interface FrameRecord {
  registry: string;
  command: string;
  resultCode: number | null;
  sent: string;
  received: string | null;
  at: number;
}

/** Files one exchange under the job in progress; nothing when no job is (a sweep, a check request). */
export async function recordFrame(db: Executor, f: FrameRecord): Promise<void> {
  const jobId = jobInProgress();
  if (jobId === undefined) return;
  await db
    .insertInto('registry_frames')
    .values({ job_id: jobId, registry: f.registry, command: f.command, result_code: f.resultCode, sent: maskFrame(f.sent), received: f.received === null ? null : maskFrame(f.received), at: f.at })
    .execute();
}

export function framesOfJob(db: Executor, jobId: number): Promise<RegistryFrameRow[]> {
  return db.selectFrom('registry_frames').selectAll().where('job_id', '=', jobId).orderBy('id').execute();
}
