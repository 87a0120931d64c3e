import { MAX_MESSAGE, MessageBuilder } from '../wire/message.ts';
import { CLASS, TYPE, type Edns, type Message, type Question, type WireRecord } from '../wire/types.ts';
import type { ResourceRecord, ZoneDelta } from '../zone-source.ts';
import type { IndexedZone } from './zone-index.ts';

/** Target size of one AXFR message: below 16 KiB every compression pointer stays reachable. */
export const TRANSFER_MESSAGE_SIZE = 16_000;

/** RFC 1982 serial arithmetic: whether serial `a` is older than `b`. */
export function serialBefore(a: number, b: number): boolean {
  const d = (b - a) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** The serial a client names in the authority section of an IXFR query, if it sent one. */
export function ixfrClientSerial(query: Message): number | undefined {
  const soa = query.authorities.find((r) => r.data.type === 'SOA');
  return soa?.data.type === 'SOA' ? soa.data.serial : undefined;
}

type Header = ConstructorParameters<typeof MessageBuilder>[0];

function header(query: Message, edns: Edns | undefined): Header {
  return { id: query.id, qr: true, opcode: query.opcode, aa: true, tc: false, rd: query.rd, ra: false, ad: false, cd: query.cd, rcode: 0, ...(edns ? { edns } : {}) };
}

/** A one-message answer holding only the current SOA (IXFR: "you are up to date" or "use TCP"). */
export function soaOnly(query: Message, q: Question, zone: IndexedZone, edns: Edns | undefined): Uint8Array {
  const b = new MessageBuilder(header(query, edns));
  b.question(q);
  b.add('answers', zone.soa);
  return b.finish();
}

/**
 * The whole zone as a sequence of messages: SOA first and last, records packed into messages of
 * about TRANSFER_MESSAGE_SIZE bytes, each compressed on its own (RFC 5936 §2.2). The question
 * goes into the first message only.
 */
export function fullTransfer(query: Message, q: Question, zone: IndexedZone, edns: Edns | undefined, size = TRANSFER_MESSAGE_SIZE): Uint8Array[] {
  return pack(query, q, [...zone.transferRecords(), zone.soa], edns, size);
}

const wire = (r: ResourceRecord): WireRecord => ({ name: r.name, class: CLASS.IN, ttl: r.ttl, data: r.data });

/**
 * An incremental answer (RFC 1995 §4) in its condensed form, one difference sequence: the new
 * SOA, the client's SOA followed by what was removed, the new SOA followed by what was added,
 * and the new SOA to close.
 */
export function incrementalTransfer(query: Message, q: Question, zone: IndexedZone, from: number, delta: ZoneDelta, edns: Edns | undefined, size = TRANSFER_MESSAGE_SIZE): Uint8Array[] {
  const soa = zone.soa.data.type === 'SOA' ? zone.soa.data : undefined;
  const old: WireRecord = { ...zone.soa, data: { ...soa!, serial: from } };
  return pack(query, q, [zone.soa, old, ...delta.removed.map(wire), zone.soa, ...delta.added.map(wire), zone.soa], edns, size);
}

/** Records into messages of about `size` bytes; a record bigger than that travels alone. */
function pack(query: Message, q: Question, records: readonly WireRecord[], edns: Edns | undefined, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const fresh = (limit: number) => new MessageBuilder(header(query, edns), limit);
  let b = fresh(size);
  b.question(q);
  for (const rr of records) {
    if (b.add('answers', rr)) continue;
    if (b.count('answers') > 0) {
      out.push(b.finish());
      b = fresh(size);
      if (b.add('answers', rr)) continue;
    }
    // A record bigger than the target size travels in a message of its own.
    const big = fresh(MAX_MESSAGE);
    if (!big.add('answers', rr)) throw new Error(`a ${rr.data.type} record of ${rr.name} does not fit a DNS message`);
    out.push(big.finish());
    b = fresh(size);
  }
  if (b.count('answers') > 0) out.push(b.finish());
  return out;
}

export const isTransfer = (type: number) => type === TYPE.AXFR || type === TYPE.IXFR;
