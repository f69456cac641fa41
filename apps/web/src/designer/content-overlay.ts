import type { ContentProblem } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import type { ContentState } from '../session/content-state.js';
import './designer.css';

/**
 * The designer's error overlay, in the manner of Vite's: a content edit the server refused, with
 * the file and every bad value by path. The game keeps running underneath on the last good
 * content (the overlay takes no keys), and the overlay goes away by itself once the file is
 * fixed. Dismissing it hides this problem only; a different one shows again.
 */
export class ContentOverlay {
  readonly root = el('div', 'designer-overlay');
  private readonly title = el('h2', 'designer-overlay-title', 'Content error');
  private readonly source = el('p', 'designer-overlay-source');
  private readonly list = el('ul', 'designer-overlay-issues');
  private dismissed: string | null = null;

  constructor(private readonly state: ContentState) {
    this.root.dataset.testid = 'content-overlay';
    this.root.hidden = true;
    const card = el('div', 'designer-overlay-card');
    const close = el('button', 'designer-overlay-close', '×');
    close.type = 'button';
    close.title = 'Dismiss (this problem only)';
    close.addEventListener('click', () => {
      this.dismissed = key(this.state.problem);
      this.render();
    });
    const tip = el(
      'p',
      'designer-overlay-tip',
      'The server keeps running the last good content. Fix the file and save: this closes by itself.',
    );
    card.append(close, this.title, this.source, this.list, tip);
    this.root.append(card);
    state.watch(() => this.render());
    this.render();
  }

  private render(): void {
    const problem = this.state.problem;
    const shown = problem !== null && key(problem) !== this.dismissed;
    this.root.hidden = !shown;
    if (!problem || !shown) return;
    this.source.textContent = problem.source;
    this.list.replaceChildren(
      ...problem.issues.map((issue) => {
        const item = el('li', 'designer-overlay-issue');
        if (issue.path) item.append(el('code', 'designer-overlay-path', issue.path), ': ');
        item.append(issue.message);
        return item;
      }),
    );
  }
}

function key(problem: ContentProblem): string | null {
  return problem ? JSON.stringify(problem) : null;
}
