import type net from 'node:net';
import { clientPrefix } from '../core/ip.ts';
import type { Logger } from '../obs/logger.ts';

export interface ConnectionLimits {
  /** Connections open at once. At the cap the oldest idle connection makes room for a newcomer. */
  max: number;
  /** Connections one address may hold (IPv6: one /64); more are refused. 0: no such limit. */
  perAddress: number;
}

export interface GuardStats {
  open: number;
  /** Newcomers closed because their address held `perAddress` connections already. */
  refusedPerAddress: number;
  /** Newcomers closed at the cap because every open connection was busy. */
  refusedFull: number;
  /** Idle connections closed at the cap to let a newcomer in. */
  evicted: number;
}

const REPORT_EVERY_MS = 60_000;

type Outcome = 'refusedPerAddress' | 'refusedFull' | 'evicted';

/**
 * Bounds the connections of one listener. A newcomer from an address that already holds
 * `perAddress` connections is closed. At `max` the oldest connection that is not busy (still
 * sending its request, or waiting idle between requests) is closed instead of the newcomer,
 * so clients that send a request and read the answer always get in while slow or idle
 * connections hold every slot; only when every connection is busy is the newcomer refused.
 * What "busy" means is the listener's business: `isBusy` answers it for a socket.
 */
export class ConnectionGuard {
  /** Open connections in the order they came (a Map keeps insertion order): oldest first. */
  private readonly open = new Map<net.Socket, string>();
  private readonly perKey = new Map<string, number>();
  private readonly counts: Record<Outcome, number> = { refusedPerAddress: 0, refusedFull: 0, evicted: 0 };
  private reported = { at: 0, total: 0 };

  private readonly limits: ConnectionLimits;
  private readonly isBusy: (socket: net.Socket) => boolean;
  private readonly log: Logger | undefined;

  constructor(limits: ConnectionLimits, isBusy: (socket: net.Socket) => boolean, log?: Logger) {
    this.limits = limits;
    this.isBusy = isBusy;
    this.log = log;
  }

  /** Takes a new connection in, or closes it; true when it may be served. */
  admit(socket: net.Socket): boolean {
    const key = clientPrefix(socket.remoteAddress);
    const held = this.perKey.get(key) ?? 0;
    if (this.limits.perAddress > 0 && held >= this.limits.perAddress) return this.refuse(socket, 'refusedPerAddress');
    if (this.open.size >= this.limits.max && !this.evictOldestIdle()) return this.refuse(socket, 'refusedFull');
    this.open.set(socket, key);
    this.perKey.set(key, held + 1);
    socket.once('close', () => this.forget(socket));
    return true;
  }

  stats(): GuardStats {
    return { open: this.open.size, ...this.counts };
  }

  /** Closes every connection (the listener is shutting down). */
  closeAll(): void {
    for (const socket of [...this.open.keys()]) socket.destroy();
  }

  private evictOldestIdle(): boolean {
    for (const socket of this.open.keys()) {
      if (this.isBusy(socket)) continue;
      this.forget(socket);
      socket.destroy();
      this.count('evicted');
      return true;
    }
    return false;
  }

  private refuse(socket: net.Socket, why: Exclude<Outcome, 'evicted'>): false {
    socket.destroy();
    this.count(why);
    return false;
  }

  private forget(socket: net.Socket): void {
    const key = this.open.get(socket);
    if (key === undefined) return;
    this.open.delete(socket);
    const held = (this.perKey.get(key) ?? 1) - 1;
    if (held > 0) this.perKey.set(key, held);
    else this.perKey.delete(key);
  }

  /** Counts a refusal or eviction; logs the totals at most once a minute, so a flood is one line, not thousands. */
  private count(what: Outcome): void {
    this.counts[what]++;
    const now = Date.now();
    if (now - this.reported.at < REPORT_EVERY_MS) return;
    const total = this.counts.refusedPerAddress + this.counts.refusedFull + this.counts.evicted;
    this.log?.warn({ ...this.stats(), sinceLastReport: total - this.reported.total, limits: this.limits }, 'connection limits reached: connections refused or closed');
    this.reported = { at: now, total };
  }
}
