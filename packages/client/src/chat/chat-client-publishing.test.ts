import { directChannel } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { FakeChatServer } from './fake-chat-server.js';
import { player, settle, texts } from './test-support.js';

describe('ChatClient publishing', () => {
  it('publishes with a nonce and resolves with the stored offset', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const receipt = await chat.publish('global', '  hello  ');
    expect(receipt).toMatchObject({ channel: 'global', offset: 1 });
    expect(server.stored('global').map((m) => [m.sender.id, m.text])).toEqual([['a', 'hello']]);
    const [sent] = socket.emitted.filter((p) => p.event === 'channel:publish');
    expect(sent?.payload).toMatchObject({ channel: 'global', text: 'hello', nonce: expect.any(String) });
    expect(chat.pending()).toEqual([]);
  });

  it('keeps publishes made offline in order and sends them on connect', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    const receipts = [
      chat.publish('global', 'one'),
      chat.publish('global', 'two'),
      chat.publish('global', 'three'),
    ];
    expect(chat.pending('global').map((p) => p.text)).toEqual(['one', 'two', 'three']);
    socket.connect();
    expect((await Promise.all(receipts)).map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(server.stored('global').map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('re-sends an unanswered publish after a reconnect with the same nonce: stored once', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    server.dropPublishAnswers = true;
    const receipt = chat.publish('global', 'only once');
    await settle();
    expect(server.stored('global')).toHaveLength(1);
    socket.drop();
    server.dropPublishAnswers = false;
    socket.connect();
    expect((await receipt).offset).toBe(1);
    const nonces = socket.emitted
      .filter((p) => p.event === 'channel:publish')
      .map((p) => (p.payload as { nonce: string }).nonce);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).toBe(nonces[1]);
    expect(server.stored('global').map((m) => m.text)).toEqual(['only once']);
  });

  it('a refusal rejects with a typed error, leaves the outbox, and the next publish goes on', async () => {
    const server = new FakeChatServer();
    server.refusePublish = (req) =>
      req.text === 'spam' ? { code: 'FORBIDDEN', message: 'muted', event: 'channel:publish' } : null;
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const refused = chat.publish('global', 'spam');
    const next = chat.publish('global', 'fine');
    await expect(refused).rejects.toMatchObject({
      name: 'ChatError',
      code: 'FORBIDDEN',
      channel: 'global',
    });
    await expect(next).resolves.toMatchObject({ offset: 1 });
    expect(chat.pending()).toEqual([]);
  });

  it('rejects an invalid message before sending it', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    await expect(chat.publish('global', '   ')).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
    await expect(chat.publish('global', 'x'.repeat(501))).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
    expect(socket.emitted.filter((p) => p.event === 'channel:publish')).toEqual([]);
  });

  it('sendDirect publishes on the direct channel of the two players', async () => {
    const server = new FakeChatServer();
    const a = player(server, 'a');
    const b = player(server, 'b');
    a.socket.connect();
    b.socket.connect();
    const inbox = b.chat.direct('a');
    expect(inbox.channel).toBe(directChannel('a', 'b'));
    await a.chat.sendDirect('b', 'psst');
    await settle();
    expect(texts(inbox.messages)).toEqual(['psst']);
    await expect(a.chat.sendDirect('a', 'me')).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
  });

  it('close() rejects what is still unanswered', async () => {
    const server = new FakeChatServer();
    const { chat } = player(server, 'a');
    const receipt = chat.publish('global', 'never sent');
    chat.close();
    await expect(receipt).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('ChatClient unread counts and read marks', () => {
  it('counts what others wrote after the read mark; markRead clears it and tells the server once', async () => {
    const server = new FakeChatServer();
    const a = player(server, 'a');
    const b = player(server, 'b');
    a.socket.connect();
    b.socket.connect();
    const sub = a.chat.subscribe('global');
    b.chat.subscribe('global');
    await settle();
    await b.chat.publish('global', 'hi a');
    await a.chat.publish('global', 'hi b');
    await b.chat.publish('global', 'how are you');
    await settle();
    expect(sub.unread).toBe(2);
    sub.markRead();
    sub.markRead();
    expect(sub.unread).toBe(0);
    expect(sub.readUpTo).toBe(3);
    await settle();
    const reads = a.socket.emitted.filter((p) => p.event === 'channel:read');
    expect(reads).toEqual([{ event: 'channel:read', payload: { channel: 'global', upTo: 3 } }]);
    expect(server.readMark('a', 'global')).toBe(3);
  });

  it('takes the read mark the server keeps (read on another device) when subscribing', async () => {
    const server = new FakeChatServer();
    for (let i = 1; i <= 4; i++) server.publishAsSystem('global', `m${i}`);
    const other = player(server, 'a');
    other.socket.connect();
    other.chat.subscribe('global');
    await settle();
    other.chat.markRead('global', 3);
    await settle();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    expect(sub.readUpTo).toBe(3);
    expect(sub.unread).toBe(1);
  });

  it('a mark made offline is sent once the channel is resumed', async () => {
    const server = new FakeChatServer();
    server.publishAsSystem('global', 'm1');
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    socket.drop();
    sub.markRead();
    await settle();
    expect(server.readMark('a', 'global')).toBe(0);
    socket.connect();
    await settle();
    await settle();
    expect(server.readMark('a', 'global')).toBe(1);
  });
});
