import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import type { ChatMessage, SubscribeResult } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { quietLogger, suiteStore } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import { ChannelConnections } from './channel-connections.js';
import type { RuleContext } from './channel-rules.js';
import { principal, RecordingChat } from './test-support.js';

const targets = await testStoreTargets();

const message = (offset: number): ChatMessage => ({
  offset,
  sender: { id: 'p', name: 'P' },
  text: `m${offset}`,
  at: 0,
});

describe.each(targets)('ChannelConnections on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  suiteStore(target, (opened) => {
    store = opened;
  });

  run('a member removed while their subscribe is being checked does not keep reading', async () => {
    const team = `team:${randomId('t', 4)}`;
    let member = true;
    // The subscribe's membership check reads "member" and then stalls (a slow query) until
    // released; every later check answers at once.
    let release: () => void = () => {};
    let reached: () => void = () => {};
    const checking = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let calls = 0;
    const rules: RuleContext = {
      sectorOf: () => null,
      isMember: async () => {
        const answer = member;
        if (++calls === 1) {
          reached();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return answer;
      },
      playerExists: async () => true,
    };
    const live = new ChannelConnections({
      db: store.db,
      logger: quietLogger(),
      retention: 500,
      presenceGraceMs: 0,
      kindOf: (channel) => (channel === team ? 'private' : null),
      rules,
      directory: async () => [],
      maxSubscriptions: 256,
    });
    const ada = new RecordingChat(principal('ada'));
    await live.add(ada);
    let answer: SubscribeResult | undefined;
    const subscribing = live.subscribe(ada.id, { channel: team }, (res) => {
      answer = res;
    });
    await checking;
    // The admin removes ada and her directory refresh completes while the check is in flight.
    member = false;
    await live.refresh('ada');
    release();
    await subscribing;
    expect(answer?.ok).toBe(false);
    live.deliver(team, message(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ada.offsets(team)).toEqual([]);
    expect(live.presence(team)).toEqual([]);
    live.close();
  });
});
