import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { decodeHeader, decodeMessage, encodeMessage } from './wire/message.ts';
import { FrameReader, frame } from './wire/tcp-framing.ts';
import { TsigSigner, TsigVerifier, unixSeconds, type TsigKey } from './wire/tsig.ts';
import { CLASS, emptyMessage, OPCODE, type Message, type WireRecord } from './wire/types.ts';

/**
 * A minimal DNS client: the NOTIFY sender, the tests and the benchmark use it. It is not a
 * resolver: one server, one question, no retries beyond what the caller asks for.
 */

export interface QueryOptions {
  id?: number;
  opcode?: number;
  rd?: boolean;
  /** EDNS payload size to advertise; false sends no OPT record. Default 1232. */
  edns?: number | false;
  dnssecOk?: boolean;
  ednsVersion?: number;
  class?: number;
  authorities?: WireRecord[];
  answers?: WireRecord[];
  aa?: boolean;
}

export function buildQuery(name: string, type: number, o: QueryOptions = {}): Uint8Array {
  const m: Message = {
    ...emptyMessage(o.id ?? randomInt(0, 0x10000)),
    opcode: o.opcode ?? OPCODE.QUERY,
    rd: o.rd ?? false,
    aa: o.aa ?? false,
    questions: [{ name, type, class: o.class ?? CLASS.IN }],
    answers: o.answers ?? [],
    authorities: o.authorities ?? [],
  };
  const edns = o.edns ?? 1232;
  if (edns !== false) m.edns = { udpSize: edns, version: o.ednsVersion ?? 0, dnssecOk: o.dnssecOk ?? false, options: [] };
  return encodeMessage(m);
}

export interface Target {
  host: string;
  port: number;
  /** The TSIG key (by name) messages to this server are signed with. */
  key?: string | undefined;
}

/** A query signed with `key` and the verifier for its answers (RFC 8945). */
export function signQuery(query: Uint8Array, key: TsigKey, nowMs: number): { bytes: Uint8Array; verifier: TsigVerifier } {
  const signer = new TsigSigner(key);
  const bytes = signer.sign(query, { now: unixSeconds(nowMs) });
  return { bytes, verifier: new TsigVerifier(key, signer.mac) };
}

/**
 * Sends a datagram and waits for the answer with the same id from that server; resends after
 * each entry of `waits` (ms) and gives up after the last. Resolves the raw answer bytes.
 */
export function udpExchange(target: Target, query: Uint8Array, waits: readonly number[] = [2000]): Promise<Uint8Array> {
  const id = decodeHeader(query)!.id;
  const socket = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
  return new Promise<Uint8Array>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let round = 0;
    const finish = (err: Error | undefined, answer?: Uint8Array) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(answer!);
    };
    const send = () => {
      socket.send(query, target.port, target.host, (err) => {
        if (err) finish(err);
      });
      timer = setTimeout(() => {
        round++;
        if (round >= waits.length) finish(new Error(`no answer from ${target.host}:${target.port} after ${waits.length} tries`));
        else send();
      }, waits[round]);
    };
    socket.on('message', (msg, rinfo) => {
      const h = decodeHeader(msg);
      if (!h || !h.qr || h.id !== id || rinfo.port !== target.port) return;
      finish(undefined, new Uint8Array(msg));
    });
    socket.on('error', (err) => finish(err));
    send();
  });
}

/**
 * Sends queries over one TCP connection and collects answers until `done(answers)` says so
 * (one answer per query by default; a zone transfer runs until the closing SOA).
 */
export function tcpExchange(target: Target, queries: Uint8Array[], done?: (answers: Uint8Array[]) => boolean, timeoutMs = 5000): Promise<Uint8Array[]> {
  const finished = done ?? ((a) => a.length >= queries.length);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const frames = new FrameReader();
    const answers: Uint8Array[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TCP exchange with ${target.host}:${target.port} timed out after ${answers.length} messages`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat(queries.map(frame))));
    socket.on('data', (chunk) => {
      for (const m of frames.push(chunk)) answers.push(new Uint8Array(m));
      if (finished(answers)) {
        clearTimeout(timer);
        socket.end();
        resolve(answers);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!finished(answers)) reject(new Error(`connection closed after ${answers.length} messages`));
    });
  });
}

/** Whether a list of transfer messages holds the closing SOA (the second SOA overall). */
export function transferComplete(answers: Uint8Array[]): boolean {
  let soas = 0;
  for (const a of answers) {
    const m = decodeMessage(a);
    if (m.rcode !== 0) return true;
    soas += m.answers.filter((r) => r.data.type === 'SOA').length;
  }
  // An IXFR "up to date" answer is a single message with a single SOA.
  if (answers.length === 1 && soas === 1 && decodeMessage(answers[0]!).answers.length === 1) return true;
  return soas >= 2;
}

export async function query(target: Target, name: string, type: number, o: QueryOptions & { tcp?: boolean } = {}): Promise<Message> {
  const q = buildQuery(name, type, o);
  if (o.tcp) return decodeMessage((await tcpExchange(target, [q]))[0]!);
  return decodeMessage(await udpExchange(target, q));
}

