// pbbp2.Frame, the protobuf message the Feishu long connection speaks (layout copied from the
// SDK's generated codec in @larksuiteoapi/node-sdk lib/index.js). Hand-rolled so the fake does not
// lean on the SDK's own encoder (or on protobufjs, which is only the SDK's dependency): a layout
// mistake on either side then shows up as a decode failure instead of cancelling out.

export interface FrameHeader {
  key: string;
  value: string;
}

export interface Frame {
  SeqID: number; // 1 uint64 (required by the SDK's decoder, so always written)
  LogID: number; // 2 uint64 (required)
  service: number; // 3 int32 (required)
  method: number; // 4 int32 (required): 0 control (ping/pong), 1 data (events and their replies)
  headers: FrameHeader[]; // 5 repeated Header {key=1, value=2}
  payloadEncoding?: string; // 6
  payloadType?: string; // 7
  payload?: Uint8Array; // 8
  LogIDNew?: string; // 9
}

export const FrameMethod = { control: 0, data: 1 } as const;

function varint(value: bigint, out: number[]) {
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function key(field: number, wire: number, out: number[]) {
  varint(BigInt((field << 3) | wire), out);
}

function bytesField(field: number, data: Uint8Array, out: number[]) {
  key(field, 2, out);
  varint(BigInt(data.length), out);
  for (const b of data) out.push(b);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(frame: Frame): Buffer {
  const out: number[] = [];
  key(1, 0, out);
  varint(BigInt(frame.SeqID), out);
  key(2, 0, out);
  varint(BigInt(frame.LogID), out);
  key(3, 0, out);
  varint(BigInt(frame.service), out); // negative int32 sign-extends to 10 bytes, as protobuf does
  key(4, 0, out);
  varint(BigInt(frame.method), out);
  for (const h of frame.headers) {
    const inner: number[] = [];
    bytesField(1, utf8(h.key), inner);
    bytesField(2, utf8(h.value), inner);
    bytesField(5, Uint8Array.from(inner), out);
  }
  if (frame.payloadEncoding !== undefined) bytesField(6, utf8(frame.payloadEncoding), out);
  if (frame.payloadType !== undefined) bytesField(7, utf8(frame.payloadType), out);
  if (frame.payload !== undefined) bytesField(8, frame.payload, out);
  if (frame.LogIDNew !== undefined) bytesField(9, utf8(frame.LogIDNew), out);
  return Buffer.from(out);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done() {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('pbbp2: truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('pbbp2: truncated field');
    const slice = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return slice;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`pbbp2: unsupported wire type ${wire}`);
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function decodeHeader(buf: Uint8Array): FrameHeader {
  const r = new Reader(buf);
  const h: Partial<FrameHeader> = {};
  while (!r.done) {
    const tag = Number(r.varint());
    if (tag >>> 3 === 1 && (tag & 7) === 2) h.key = text(r.bytes());
    else if (tag >>> 3 === 2 && (tag & 7) === 2) h.value = text(r.bytes());
    else r.skip(tag & 7);
  }
  if (h.key === undefined || h.value === undefined) throw new Error('pbbp2: header missing key or value');
  return { key: h.key, value: h.value };
}

export function decodeFrame(buf: Uint8Array): Frame {
  const r = new Reader(buf);
  const f: Partial<Frame> & { headers: FrameHeader[] } = { headers: [] };
  while (!r.done) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0 && field >= 1 && field <= 4) {
      const v = r.varint();
      if (field === 1) f.SeqID = Number(v);
      else if (field === 2) f.LogID = Number(v);
      else if (field === 3) f.service = Number(BigInt.asIntN(32, v));
      else f.method = Number(BigInt.asIntN(32, v));
    } else if (wire === 2 && field === 5) f.headers.push(decodeHeader(r.bytes()));
    else if (wire === 2 && field === 6) f.payloadEncoding = text(r.bytes());
    else if (wire === 2 && field === 7) f.payloadType = text(r.bytes());
    else if (wire === 2 && field === 8) f.payload = Uint8Array.from(r.bytes());
    else if (wire === 2 && field === 9) f.LogIDNew = text(r.bytes());
    else r.skip(wire);
  }
  // The SDK's decoder throws on these too; mirror it so a sloppy client frame is caught here.
  for (const k of ['SeqID', 'LogID', 'service', 'method'] as const) {
    if (f[k] === undefined) throw new Error(`pbbp2: missing required '${k}'`);
  }
  return f as Frame;
}

export const headerValue = (frame: Frame, name: string) => frame.headers.find((h) => h.key === name)?.value;
