import { type Packet, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { CompactFrameError, Decoder, decodeCompactFrame, Encoder } from './socket-parser.js';

function roundTrip(packets: Packet[]): Packet[] {
  const encoder = new Encoder();
  const decoder = new Decoder();
  const out: Packet[] = [];
  decoder.on('decoded', (p: Packet) => out.push(p));
  for (const packet of packets) for (const frame of encoder.encode(packet)) decoder.add(frame);
  return out;
}

const snapshot = (bytes: number[]): Packet => ({
  type: PacketType.EVENT,
  nsp: '/game',
  data: ['s', new Uint8Array(bytes)],
});

describe('the protocol socket parser', () => {
  it('sends an event whose only argument is bytes as one binary frame', () => {
    const frames = new Encoder().encode(snapshot([1, 2, 3]));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toBeInstanceOf(Uint8Array);
    // 1 tag + 1 + "/game" + 1 + "s" + payload: 9 bytes of header in all.
    expect((frames[0] as Uint8Array).byteLength).toBe(9 + 3);
  });

  it('hands a tapped event to its handler in arrival order, everything else decoded as before, until untapped', () => {
    const encoder = new Encoder();
    const decoder = new Decoder();
    const decoded: string[] = [];
    const tapped: number[] = [];
    decoder.on('decoded', (p: Packet) => decoded.push(`${p.nsp} ${(p.data as [string])[0]}`));
    const untap = decoder.tap('/game', 'i', (payload) => tapped.push(payload[0]!));
    const send = (nsp: string, event: string, byte: number) => {
      for (const frame of encoder.encode({
        type: PacketType.EVENT,
        nsp,
        data: [event, new Uint8Array([byte])],
      })) {
        decoder.add(frame);
      }
    };
    send('/game', 'i', 1);
    send('/game', 'i', 11);
    send('/game', 'in', 12);
    send('/game', 's', 2);
    send('/other', 'i', 3);
    send('/game', 'i', 4);
    for (const frame of encoder.encode({
      type: PacketType.EVENT,
      nsp: '/game',
      data: ['join', { sector: 'a' }],
    })) {
      decoder.add(frame);
    }
    const retapped: number[] = [];
    const untapAgain = decoder.tap('/game', 'i', (payload) => retapped.push(payload[0]!));
    send('/game', 'i', 6);
    untap(); // no longer the handler: changes nothing
    send('/game', 'i', 7);
    untapAgain();
    send('/game', 'i', 5);
    expect(tapped).toEqual([1, 11, 4]);
    expect(retapped).toEqual([6, 7]);
    expect(decoded).toEqual(['/game in', '/game s', '/other i', '/game join', '/game i']);
  });

  it('decodes a compact frame back to the same event and bytes', () => {
    const [packet] = roundTrip([snapshot([7, 0, 255])]);
    if (!packet) throw new Error('nothing decoded');
    expect(packet.type).toBe(PacketType.EVENT);
    expect(packet.nsp).toBe('/game');
    const [event, payload] = packet.data as [string, Uint8Array];
    expect(event).toBe('s');
    expect([...payload]).toEqual([7, 0, 255]);
  });

  it('accepts an ArrayBuffer frame, as browsers deliver binary', () => {
    const frame = new Encoder().encode(snapshot([4, 5]))[0] as Uint8Array;
    const copy = frame.slice().buffer;
    const decoder = new Decoder();
    const got: Packet[] = [];
    decoder.on('decoded', (p: Packet) => got.push(p));
    decoder.add(copy);
    expect([...(got[0]!.data[1] as Uint8Array)]).toEqual([4, 5]);
  });

  it('leaves JSON events, acknowledgements and connect packets exactly as the default parser sends them', () => {
    const json: Packet = { type: PacketType.EVENT, nsp: '/chat', data: ['publish', { text: 'hi' }], id: 3 };
    const frames = new Encoder().encode(json);
    expect(frames).toEqual(['2/chat,3["publish",{"text":"hi"}]']);
    const packets: Packet[] = [
      json,
      { type: PacketType.ACK, nsp: '/game', id: 9, data: [{ ok: true }] },
      { type: PacketType.CONNECT, nsp: '/game', data: { protocol: 4 } },
    ];
    expect(roundTrip(packets)).toEqual(packets);
  });

  it('keeps default binary attachments (several buffers, or bytes with an ack) in order with compact frames', () => {
    const several: Packet = {
      type: PacketType.EVENT,
      nsp: '/game',
      data: ['pair', new Uint8Array([1]), new Uint8Array([2])],
    };
    const withAck: Packet = {
      type: PacketType.EVENT,
      nsp: '/game',
      id: 4,
      data: ['upload', new Uint8Array([3])],
    };
    const out = roundTrip([several, snapshot([9]), withAck, snapshot([10])]);
    expect(out.map((p) => p.data[0])).toEqual(['pair', 's', 'upload', 's']);
    expect([...(out[0]!.data[2] as Uint8Array)]).toEqual([2]);
    expect(out[2]!.id).toBe(4);
    expect([...(out[3]!.data[1] as Uint8Array)]).toEqual([10]);
  });

  it('reads a stream of frames with alternating events and namespaces correctly', () => {
    const chat: Packet = { type: PacketType.EVENT, nsp: '/chat', data: ['b', new Uint8Array([5])] };
    const out = roundTrip([snapshot([1]), snapshot([2]), chat, snapshot([3]), chat]);
    expect(out.map((p) => `${p.nsp} ${p.data[0]} ${[...(p.data[1] as Uint8Array)]}`)).toEqual([
      '/game s 1',
      '/game s 2',
      '/chat b 5',
      '/game s 3',
      '/chat b 5',
    ]);
  });

  it('refuses binary frames that are not well-formed compact events', () => {
    expect(() => decodeCompactFrame(new Uint8Array([0x02, 1, 47, 1, 115]))).toThrow(CompactFrameError);
    expect(() => decodeCompactFrame(new Uint8Array([0x01, 9, 47, 1]))).toThrow(CompactFrameError);
    expect(() => decodeCompactFrame(new Uint8Array([0x01, 1, 120, 1, 115]))).toThrow(CompactFrameError);
    expect(() => decodeCompactFrame(new Uint8Array([0x01, 1, 47, 3, 115]))).toThrow(CompactFrameError);
    const decoder = new Decoder();
    expect(() => decoder.add(new Uint8Array([0]))).toThrow(CompactFrameError);
  });

  it('refuses text in place of an announced binary attachment', () => {
    const decoder = new Decoder();
    decoder.add('51-/game,["pair",{"_placeholder":true,"num":0}]');
    expect(() => decoder.add('2/game,["x"]')).toThrow(CompactFrameError);
  });
});
