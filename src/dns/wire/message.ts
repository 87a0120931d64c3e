import { Reader, Writer } from './buffer.ts';
import { readRData, writeRData } from './rdata.ts';
import { nameKey } from './name.ts';
import { readTsigData } from './tsig.ts';
import { CLASS, DecodeError, EncodeError, TYPE, typeCodeOf, type Edns, type Message, type Question, type WireRecord } from './types.ts';

export const HEADER_SIZE = 12;
/** The largest DNS message (TCP length prefix, RFC 1035 §4.2.2). */
export const MAX_MESSAGE = 65535;
/** Without EDNS a UDP message holds at most 512 bytes (RFC 1035 §4.2.1). */
export const CLASSIC_UDP = 512;

export type Section = 'answers' | 'authorities' | 'additionals';

function flagsOf(m: Pick<Message, 'qr' | 'opcode' | 'aa' | 'tc' | 'rd' | 'ra' | 'ad' | 'cd' | 'rcode'>): number {
  return (
    (m.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (m.aa ? 0x0400 : 0) |
    (m.tc ? 0x0200 : 0) |
    (m.rd ? 0x0100 : 0) |
    (m.ra ? 0x0080 : 0) |
    (m.ad ? 0x0020 : 0) |
    (m.cd ? 0x0010 : 0) |
    (m.rcode & 0xf)
  );
}

function ednsSize(e: Edns): number {
  return 11 + e.options.reduce((n, o) => n + 4 + o.data.length, 0);
}

function writeOpt(w: Writer, e: Edns, rcode: number): void {
  w.u8(0); // root owner name
  w.u16(TYPE.OPT);
  w.u16(e.udpSize);
  w.u32(((((rcode >> 4) & 0xff) << 24) | ((e.version & 0xff) << 16) | (e.dnssecOk ? 0x8000 : 0)) >>> 0);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  for (const o of e.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
  w.patchU16(lenAt, w.pos - start);
}

function writeRecord(w: Writer, rr: WireRecord): void {
  w.name(rr.name, true);
  w.u16(typeCodeOf(rr.data));
  w.u16(rr.class);
  w.u32(rr.ttl);
  writeRData(w, rr.data);
}

/**
 * Builds a message record by record within a size limit: a record that does not fit is rolled
 * back (its bytes and its compression targets) and add() answers false, so the caller decides
 * between truncating (TC) and leaving optional data out. Room for the OPT record is reserved.
 */
export class MessageBuilder {
  private readonly w = new Writer(512);
  private readonly counts = { questions: 0, answers: 0, authorities: 0, additionals: 0 };
  private readonly header: Omit<Message, 'questions' | 'answers' | 'authorities' | 'additionals'>;
  private readonly limit: number;

  constructor(header: Omit<Message, 'questions' | 'answers' | 'authorities' | 'additionals'>, limit = MAX_MESSAGE) {
    if (header.rcode > 0xf && !header.edns) throw new EncodeError(`rcode ${header.rcode} needs EDNS`);
    this.header = header;
    this.limit = Math.min(limit, MAX_MESSAGE) - (header.edns ? ednsSize(header.edns) : 0);
    this.w.pos = HEADER_SIZE;
  }

  get size(): number {
    return this.w.pos + (this.header.edns ? ednsSize(this.header.edns) : 0);
  }

  question(q: Question): boolean {
    if (this.counts.answers + this.counts.authorities + this.counts.additionals > 0) throw new EncodeError('questions come before records');
    return this.put(() => {
      this.w.name(q.name, true);
      this.w.u16(q.type);
      this.w.u16(q.class);
    }, 'questions');
  }

  add(section: Section, rr: WireRecord): boolean {
    if (section === 'answers' && this.counts.authorities + this.counts.additionals > 0) throw new EncodeError('answers come before authority records');
    if (section === 'authorities' && this.counts.additionals > 0) throw new EncodeError('authority records come before additional records');
    return this.put(() => writeRecord(this.w, rr), section);
  }

  /** Adds records all-or-nothing (an RRset must not be split). */
  addAll(section: Section, rrs: readonly WireRecord[]): boolean {
    const m = this.w.mark();
    const before = this.counts[section];
    for (const rr of rrs) {
      if (!this.add(section, rr)) {
        this.w.rollback(m);
        this.counts[section] = before;
        return false;
      }
    }
    return true;
  }

  count(section: Section | 'questions'): number {
    return this.counts[section];
  }

  private put(write: () => void, section: keyof MessageBuilder['counts']): boolean {
    const m = this.w.mark();
    write();
    if (this.w.pos > this.limit) {
      this.w.rollback(m);
      return false;
    }
    this.counts[section]++;
    return true;
  }

  finish(): Uint8Array {
    const { w, header: h, counts } = this;
    if (h.edns) writeOpt(w, h.edns, h.rcode);
    const total = w.pos;
    w.pos = 0;
    w.u16(h.id);
    w.u16(flagsOf(h));
    w.u16(counts.questions);
    w.u16(counts.answers);
    w.u16(counts.authorities);
    w.u16(counts.additionals + (h.edns ? 1 : 0));
    w.pos = total;
    return w.finish();
  }
}

/** Encodes a whole message; throws EncodeError when it exceeds `limit` bytes. */
export function encodeMessage(m: Message, limit = MAX_MESSAGE): Uint8Array {
  const { questions, answers, authorities, additionals, tsig: _signedElsewhere, ...header } = m;
  const b = new MessageBuilder({ ...header }, limit);
  const fail = () => new EncodeError(`message does not fit in ${limit} bytes`);
  for (const q of questions) if (!b.question(q)) throw fail();
  for (const rr of answers) if (!b.add('answers', rr)) throw fail();
  for (const rr of authorities) if (!b.add('authorities', rr)) throw fail();
  for (const rr of additionals) if (!b.add('additionals', rr)) throw fail();
  return b.finish();
}

/** The fixed header, readable even when the rest of the message is not (for FORMERR replies). */
export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  rd: boolean;
  cd: boolean;
}

export function decodeHeader(buf: Uint8Array): Header | undefined {
  if (buf.length < HEADER_SIZE) return undefined;
  const flags = (buf[2]! << 8) | buf[3]!;
  return { id: (buf[0]! << 8) | buf[1]!, qr: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0xf, rd: (flags & 0x0100) !== 0, cd: (flags & 0x0010) !== 0 };
}

function readRecord(r: Reader): WireRecord | { opt: Edns; extRcode: number; name: string } {
  const name = r.name();
  const type = r.u16('a record type');
  const klass = r.u16('a record class');
  const ttl = r.u32('a record TTL');
  const length = r.u16('a record length');
  if (type === TYPE.OPT) {
    const end = r.pos + length;
    if (end > r.buf.length) throw new DecodeError('the OPT record runs past the end of the message');
    const options = [];
    while (r.pos < end) {
      const code = r.u16('an EDNS option');
      const len = r.u16('an EDNS option');
      if (r.pos + len > end) throw new DecodeError('an EDNS option runs past the end of the OPT record');
      options.push({ code, data: r.bytes(len) });
    }
    return { name, extRcode: ttl >>> 24, opt: { udpSize: klass, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0, options } };
  }
  return { name, class: klass, ttl, data: readRData(r, type, length) };
}

/**
 * Decodes a message. Throws DecodeError for anything malformed: truncated fields, forward or
 * looping compression pointers, bad record data, more than one OPT record or an OPT record
 * outside the additional section, trailing bytes.
 */
export function decodeMessage(buf: Uint8Array, onPointer?: (at: number, target: number) => void): Message {
  if (buf.length < HEADER_SIZE) throw new DecodeError(`a message has at least ${HEADER_SIZE} bytes, this one ${buf.length}`);
  const r = new Reader(buf, onPointer);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  const m: Message = {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  for (let i = 0; i < qd; i++) m.questions.push({ name: r.name(), type: r.u16('a question type'), class: r.u16('a question class') });
  const sections: Array<[number, WireRecord[], boolean]> = [
    [an, m.answers, false],
    [ns, m.authorities, false],
    [ar, m.additionals, true],
  ];
  for (const [count, list, optAllowed] of sections) {
    for (let i = 0; i < count; i++) {
      const start = r.pos;
      const rec = readRecord(r);
      if (!('opt' in rec) && rec.data.type === 'UNKNOWN' && rec.data.code === TYPE.TSIG) {
        // RFC 8945 §5.1: the TSIG record is the last one of the message, class ANY.
        if (!optAllowed || i !== count - 1) throw new DecodeError('a TSIG record that is not the last record of the message');
        if (rec.class !== CLASS.ANY) throw new DecodeError('a TSIG record of a class other than ANY');
        m.tsig = { offset: start, keyName: nameKey(rec.name), data: readTsigData(rec.data.data) };
        continue;
      }
      if ('opt' in rec) {
        if (!optAllowed) throw new DecodeError('an OPT record outside the additional section');
        if (m.edns) throw new DecodeError('more than one OPT record');
        if (rec.name !== '') throw new DecodeError('the OPT record must be owned by the root');
        m.edns = rec.opt;
        m.rcode |= rec.extRcode << 4;
      } else {
        list.push(rec);
      }
    }
  }
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes after the last record`);
  return m;
}
