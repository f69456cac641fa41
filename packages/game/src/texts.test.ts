import { describe, expect, it } from 'vitest';
import { defaultContent as content } from './content.js';
import {
  constructionCompleteText,
  formatDuration,
  raidDamageText,
  raidStartText,
  raidWarningText,
  withArticle,
} from './texts.js';

describe('notification texts', () => {
  it('announces a finished construction with rounded coordinates', () => {
    expect(constructionCompleteText('station-core', 1200.4, -339.6, content)).toBe(
      'Construction complete: Station core at (1200, -340)',
    );
    expect(constructionCompleteText('shield-module', -0.2, 0, content)).toBe(
      'Construction complete: Shield module at (0, 0)',
    );
  });

  it('warns of a raid in readable units', () => {
    expect(raidWarningText(600)).toBe('Space dragons inbound in 10 minutes');
    expect(raidWarningText(25 * 60 + 10)).toBe('Space dragons inbound in 25 minutes');
    expect(raidWarningText(20)).toBe('Space dragons inbound in 20 seconds');
    expect(raidWarningText(0)).toBe('Space dragons inbound any moment now');
  });

  it('formats durations', () => {
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(59.6)).toBe('1 minute');
    expect(formatDuration(90)).toBe('1 minute 30 seconds');
    expect(formatDuration(3599)).toBe('1 hour');
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe('2 hours 5 minutes');
  });

  it('tells owners what a raid did', () => {
    expect(raidDamageText('station-core', 10, 20, 200, false, content)).toBe(
      `Space dragons damaged your Station core at (10, 20): 200/${content.structures['station-core']!.hp} hp left`,
    );
    expect(raidDamageText('shield-module', 10, 20, 0, true, content)).toBe(
      'Space dragons destroyed your Shield module at (10, 20)',
    );
    expect(raidStartText()).toMatch(/dragons/i);
  });

  it('chooses the article', () => {
    expect(withArticle('Shield module')).toBe('A shield module');
    expect(withArticle('Outpost')).toBe('An outpost');
  });
});
