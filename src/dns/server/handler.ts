import { wallClock, type Clock } from '../../core/clock.ts';
import type { Logger } from '../../obs/logger.ts';
import { CLASSIC_UDP, decodeHeader, decodeMessage, MAX_MESSAGE, MessageBuilder, type Header } from '../wire/message.ts';
import { CLASS, DecodeError, OPCODE, RCODE, TYPE, type Edns, type Message, type Question } from '../wire/types.ts';
import { timeOther, TSIG_ERROR, tsigSize, TsigSigner, unixSeconds, unsignedError, verifyTsig, type TsigKey } from '../wire/tsig.ts';
import type { TransferAcl } from './acl.ts';
import { resolve, type Resolution } from './answer.ts';
import { fullTransfer, incrementalTransfer, ixfrClientSerial, serialBefore, soaOnly, TRANSFER_MESSAGE_SIZE } from './transfer.ts';
import type { ZoneCache } from './zone-cache.ts';

export type Transport = 'udp' | 'tcp';

export interface HandlerOptions {
  cache: ZoneCache;
  /** Who may transfer zones (AXFR/IXFR), by address and TSIG key. */
  transferAcl: TransferAcl;
  /** TSIG keys we verify requests with and sign answers with (RFC 8945). */
  tsigKeys?: ReadonlyMap<string, TsigKey>;
  /** TSIG time checks read this clock (RFC 8945 §5.2.3: the time signed must be within the fudge of ours). */
  clock?: Clock;
  /** The largest UDP answer we send and advertise (EDNS); RFC 9715 suggests 1232. */
  udpSize: number;
  log: Logger;
}

/** Counters since start (exported as metrics later; tests and the benchmark read them). */
export interface HandlerStats {
  queries: number;
  truncated: number;
  transfers: number;
  /** Of those, IXFR answered with the difference. */
  incremental: number;
  /** Answers refused for a TSIG error (unknown key, bad MAC, time out of the fudge). */
  tsigErrors: number;
  byRcode: Record<number, number>;
}

/**
 * Turns one received message into the messages to send back: none (responses, garbage shorter
 * than a header), one for a query, several for a zone transfer. Never throws: a fault inside
 * answers SERVFAIL and is logged.
 */
export class QueryHandler {
  private readonly o: HandlerOptions;
  readonly stats: HandlerStats = { queries: 0, truncated: 0, transfers: 0, incremental: 0, tsigErrors: 0, byRcode: {} };

  constructor(options: HandlerOptions) {
    this.o = options;
  }

  async handle(bytes: Uint8Array, transport: Transport, remote: string): Promise<Uint8Array[]> {
    const head = decodeHeader(bytes);
    // Never answer an answer (no loops between servers); a message without a header has no id to answer to.
    if (!head || head.qr) return [];
    this.stats.queries++;
    let query: Message;
    try {
      query = decodeMessage(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      return [this.bare(head, RCODE.FORMERR)];
    }
    let signer: TsigSigner | undefined;
    if (query.tsig) {
      const refusal = this.checkTsig(bytes, query, remote);
      if (refusal instanceof Uint8Array) return [refusal];
      signer = refusal;
    }
    let out: Uint8Array[];
    try {
      out = await this.answer(query, transport, remote, signer);
    } catch (err) {
      this.o.log.error({ err, remote, transport, question: query.questions[0] }, 'DNS query failed');
      out = [this.error(query, RCODE.SERVFAIL, this.responseEdns(query))];
    }
    if (!signer) return out;
    const now = this.seconds();
    return out.map((m) => signer.sign(m, { now }));
  }

  private seconds(): number {
    return unixSeconds((this.o.clock ?? wallClock).now());
  }

  /**
   * Verifies the TSIG of a request (RFC 8945 §5.2). A good one gives the signer for the answers;
   * otherwise the NOTAUTH answer to send: unsigned for an unknown key or a wrong MAC, signed for
   * a time outside the fudge (with our time, so the client can tell) or a truncated MAC.
   */
  private checkTsig(bytes: Uint8Array, query: Message, remote: string): TsigSigner | Uint8Array {
    const tsig = query.tsig!;
    const now = this.seconds();
    const check = verifyTsig(bytes, tsig, this.o.tsigKeys ?? new Map(), now);
    if (check.error === 0 && check.key) return new TsigSigner(check.key, tsig.data.mac);
    const edns = this.responseEdns(query);
    if (check.formerr) return this.error(query, RCODE.FORMERR, edns);
    this.stats.tsigErrors++;
    this.o.log.warn({ remote, key: tsig.keyName, error: check.error, question: query.questions[0] }, 'TSIG check failed');
    const answer = this.error(query, RCODE.NOTAUTH, edns);
    if (!check.key || check.error === TSIG_ERROR.BADSIG) return unsignedError(answer, tsig, check.error, now);
    const signer = new TsigSigner(check.key, tsig.data.mac);
    if (check.error === TSIG_ERROR.BADTIME) return signer.sign(answer, { now, error: check.error, timeSigned: tsig.data.timeSigned, other: timeOther(now) });
    return signer.sign(answer, { now, error: check.error });
  }

  private async answer(query: Message, transport: Transport, remote: string, signer: TsigSigner | undefined): Promise<Uint8Array[]> {
    const edns = this.responseEdns(query);
    if (query.edns && query.edns.version > 0) return [this.error(query, RCODE.BADVERS, edns)];
    if (query.opcode !== OPCODE.QUERY) return [this.error(query, RCODE.NOTIMP, edns)];
    if (query.questions.length !== 1) return [this.error(query, RCODE.FORMERR, edns)];
    const q = query.questions[0]!;
    if (q.type === TYPE.OPT) return [this.error(query, RCODE.FORMERR, edns)];
    if (q.class !== CLASS.IN && q.class !== CLASS.ANY) return [this.error(query, RCODE.REFUSED, edns)];
    if (q.type === TYPE.AXFR || q.type === TYPE.IXFR) return this.transfer(query, q, transport, remote, edns, signer);
    if (q.type === TYPE.MAILA || q.type === TYPE.MAILB) return [this.error(query, RCODE.NOTIMP, edns)];

    const zone = await this.o.cache.forName(q.name);
    if (!zone) return [this.error(query, RCODE.REFUSED, edns)];
    // A signed answer keeps room for its TSIG record.
    const reserve = signer ? tsigSize(signer.key) : 0;
    const limit = (transport === 'tcp' ? MAX_MESSAGE : query.edns ? Math.max(CLASSIC_UDP, Math.min(query.edns.udpSize, this.o.udpSize)) : CLASSIC_UDP) - reserve;
    return [this.respond(query, q, resolve(zone, q.name, q.type, query.edns?.dnssecOk === true), edns, limit)];
  }

  /** Encodes a resolution; when a required part does not fit, an empty answer with TC asks for TCP. */
  private respond(query: Message, q: Question, r: Resolution, edns: Edns | undefined, limit: number): Uint8Array {
    const b = new MessageBuilder(this.header(query, r.rcode, r.aa, edns), limit);
    const fits =
      b.question(q) &&
      b.addAll('answers', r.answers) &&
      b.addAll('authorities', r.authority) &&
      r.requiredAdditional.every((set) => b.addAll('additionals', set));
    if (!fits) {
      this.stats.truncated++;
      const t = new MessageBuilder({ ...this.header(query, r.rcode, r.aa, edns), tc: true }, limit);
      t.question(q);
      return this.count(r.rcode, t.finish());
    }
    for (const set of r.optionalAdditional) if (!b.addAll('additionals', set)) break;
    return this.count(r.rcode, b.finish());
  }

  private async transfer(query: Message, q: Question, transport: Transport, remote: string, edns: Edns | undefined, signer: TsigSigner | undefined): Promise<Uint8Array[]> {
    const decision = this.o.transferAcl(remote, signer?.key.name);
    if (decision !== 'allow') {
      this.o.log.warn({ remote, zone: q.name, key: signer?.key.name }, decision === 'needs-key' ? 'zone transfer refused: not signed with the key the ACL asks for' : 'zone transfer refused by the ACL');
      return [this.error(query, decision === 'needs-key' ? RCODE.NOTAUTH : RCODE.REFUSED, edns)];
    }
    const zone = await this.o.cache.forOrigin(q.name);
    if (!zone) return [this.error(query, RCODE.NOTAUTH, edns)];
    const size = TRANSFER_MESSAGE_SIZE - (signer ? tsigSize(signer.key) : 0);
    if (q.type === TYPE.IXFR) {
      const client = ixfrClientSerial(query);
      if (client === undefined) return [this.error(query, RCODE.FORMERR, edns)];
      // Up to date (or ahead): the current SOA alone says so. Over UDP a full answer never
      // fits, and the lone SOA tells the client to come back over TCP (RFC 1995 §2).
      if (!serialBefore(client, zone.serial) || transport === 'udp') return [this.count(RCODE.NOERROR, soaOnly(query, q, zone, edns))];
      // A signed zone goes whole: its signatures are made per version in each process (ECDSA
      // is randomised), so the RRSIGs the client holds cannot be named for removal.
      const delta = zone.denial ? undefined : await this.o.cache.changes(zone.origin, client, zone.serial);
      // A difference bigger than the zone is worth less than the zone itself.
      if (delta && delta.removed.length + delta.added.length < zone.size) {
        this.stats.transfers++;
        this.stats.incremental++;
        this.o.log.info({ remote, zone: zone.origin, from: client, serial: zone.serial, removed: delta.removed.length, added: delta.added.length, type: 'IXFR' }, 'zone transfer');
        this.tally(RCODE.NOERROR);
        return incrementalTransfer(query, q, zone, client, delta, edns, size);
      }
    } else if (transport === 'udp') {
      return [this.error(query, RCODE.NOTIMP, edns)];
    }
    // AXFR, or an IXFR from a serial the history does not reach: the whole zone (RFC 1995 §4 allows it).
    this.stats.transfers++;
    this.o.log.info({ remote, zone: zone.origin, serial: zone.serial, type: q.type === TYPE.IXFR ? 'IXFR (whole zone)' : 'AXFR' }, 'zone transfer');
    this.tally(RCODE.NOERROR);
    return fullTransfer(query, q, zone, edns, size);
  }

  /** Our OPT record for a query that had one: our payload size, version 0, the DO bit copied (RFC 3225). */
  private responseEdns(query: Message): Edns | undefined {
    return query.edns ? { udpSize: this.o.udpSize, version: 0, dnssecOk: query.edns.dnssecOk, options: [] } : undefined;
  }

  private header(query: Message | Header, rcode: number, aa: boolean, edns: Edns | undefined): ConstructorParameters<typeof MessageBuilder>[0] {
    return { id: query.id, qr: true, opcode: query.opcode, aa, tc: false, rd: query.rd, ra: false, ad: false, cd: query.cd, rcode, ...(edns ? { edns } : {}) };
  }

  /** An error answer: the question echoed, no records. */
  private error(query: Message, rcode: number, edns: Edns | undefined): Uint8Array {
    const b = new MessageBuilder(this.header(query, rcode, false, edns));
    for (const q of query.questions.slice(0, 1)) b.question(q);
    return this.count(rcode, b.finish());
  }

  /** FORMERR for a message that could not be decoded: only its header is known. */
  private bare(head: Header, rcode: number): Uint8Array {
    return this.count(rcode, new MessageBuilder(this.header(head, rcode, false, undefined)).finish());
  }

  private count(rcode: number, msg: Uint8Array): Uint8Array {
    this.tally(rcode);
    return msg;
  }

  private tally(rcode: number): void {
    this.stats.byRcode[rcode] = (this.stats.byRcode[rcode] ?? 0) + 1;
  }
}
