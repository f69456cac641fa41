import { expect, type Page, test } from '@playwright/test';

/**
 * Expects the HUD to show `text` to the person playing. Only text the page exposes as text (DOM or
 * accessibility tree) can be checked; words painted into the canvas alone are invisible to tests
 * and to screen readers alike. A screenshot is attached either way, so a person can confirm.
 */
export async function expectHudShows(page: Page, text: RegExp): Promise<void> {
  await test.step(`the HUD shows ${text}`, async () => {
    await test
      .info()
      .attach(`hud-${text.source}.png`, { body: await page.screenshot(), contentType: 'image/png' });
    // Visible text, or a label on e.g. the canvas: either one reaches a test and a screen reader.
    await expect(
      page.getByText(text).or(page.getByLabel(text)).first(),
      `the HUD should show ${text} as readable text (DOM or accessibility tree), not only as canvas pixels`,
    ).toBeVisible();
  });
}
