import { directChannel, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import type { Player } from '../fixtures/player.js';
import { expect, test } from '../fixtures/test.js';
import { said, say } from '../support/chat.js';
import { e2eApiKey } from '../support/paths.js';
import { uniqueSector } from '../support/sector-id.js';

test('three players chat in their sector and by direct message; a DM waits for an offline player; an announcement reaches everyone', async ({
  players,
  gameServer,
}) => {
  const sector = uniqueSector('chat');
  const sectorChannel = `sector:${sector}`;
  const [ada, bob, cyd] = await players.joinAll([
    { name: 'Ada', sector },
    { name: 'Bob', sector, transport: 'polling' },
    { name: 'Cyd', sector, transport: 'websocket' },
  ]);
  expect((await bob.state()).transport).toBe('polling');

  await test.step('everyone sees the three of them present in the sector channel', async () => {
    for (const p of [ada, bob, cyd]) {
      await p.waitForState('sees three players in the sector channel', (s) =>
        ['Ada', 'Bob', 'Cyd'].every((name) => s.presence[sectorChannel]?.some((e) => e.name === name)),
      );
    }
  });

  await test.step('Ada and Bob (long-polling) talk in the sector channel', async () => {
    await ada.page.getByTestId(`chat-tab-${sectorChannel}`).click();
    await say(ada, 'Anyone seen the dragons?');
    await bob.page.getByTestId(`chat-tab-${sectorChannel}`).click();
    await say(bob, 'Not yet, mining near the belt');
    for (const p of [ada, bob, cyd]) {
      const s = await p.waitForState(
        'has both sector messages, in order',
        (st) => (st.chat[sectorChannel] ?? []).length >= 2,
      );
      expect(s.chat[sectorChannel]!.map((m) => `${m.senderName}: ${m.text}`)).toEqual([
        'Ada: Anyone seen the dragons?',
        'Bob: Not yet, mining near the belt',
      ]);
      expect(s.chat[sectorChannel]!.map((m) => m.offset)).toEqual([1, 2]);
    }
  });

  const dm = directChannel(ada.id, cyd.id);
  await test.step('Ada opens a conversation with Cyd from the player list; only Cyd gets it', async () => {
    await ada.page.getByTestId('chat-players-toggle').click();
    await ada.page.locator(`[data-testid="player-list-entry"][data-player-id="${cyd.id}"]`).click();
    await expect(ada.page.getByTestId(`chat-tab-${dm}`)).toBeVisible();
    await say(ada, 'Cyd, want to team up?');
    await cyd.waitForState('has the direct message', (s) => said(s, dm, ada.id, 'Cyd, want to team up?'));
    await expect(cyd.page.getByTestId(`chat-unread-${dm}`)).toHaveText('1');
    expect((await bob.state()).chat[dm]).toBeUndefined();
  });

  let cydAgain: Player = cyd;
  await test.step('Cyd goes offline; Ada writes again; Cyd sees it on return', async () => {
    await cyd.closeTab();
    await ada.waitForState(
      'sees Cyd leave the sector channel',
      (s) => !s.presence[sectorChannel]?.some((e) => e.id === cyd.id),
    );
    await say(ada, 'Meet at the station when you are back');
    await ada.waitForState('has its message confirmed', (s) =>
      said(s, dm, ada.id, 'Meet at the station when you are back'),
    );
    const back = await players.returning(cyd);
    expect(back.id).toBe(cyd.id);
    const s = await back.waitForState('finds the message that waited', (st) =>
      said(st, dm, ada.id, 'Meet at the station when you are back'),
    );
    expect(s.chat[dm]!.map((m) => m.text)).toEqual([
      'Cyd, want to team up?',
      'Meet at the station when you are back',
    ]);
    await expect(back.page.getByTestId(`chat-tab-${dm}`)).toBeVisible();
    cydAgain = back;
  });

  await test.step('an announcement published over HTTP appears for everyone', async () => {
    const res = await fetch(`${gameServer.url}${PUBLISH_API_PREFIX}/channels/announcements/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2eApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Dragons sighted near the belt', senderName: 'Control' }),
    });
    expect(res.status).toBe(201);
    for (const p of [ada, bob, cydAgain]) {
      await p.waitForState('shows the announcement', (s) =>
        said(s, 'announcements', 'system', 'Dragons sighted near the belt'),
      );
    }
    await expect(ada.page.getByTestId('chat-tab-announcements')).toBeVisible();
  });
});
