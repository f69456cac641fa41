import { el } from '../game/hud/dom.js';

/** One rendered row: its element, and how it takes a newer version of its item. */
export interface RowView<T> {
  root: HTMLElement;
  update(item: T): void;
}

/**
 * A list that the console redraws every poll without rebuilding it: rows are kept by key and only
 * their text changes, so a button under the pointer is still the same button when it is clicked,
 * and a focused input keeps its focus and what was typed.
 */
export class KeyedRows<T> {
  private readonly rows = new Map<string, RowView<T>>();
  private readonly empty: HTMLElement;

  constructor(
    readonly container: HTMLElement,
    private readonly keyOf: (item: T) => string,
    private readonly create: (item: T) => RowView<T>,
    /** Shown while there is no row. */
    emptyText: string,
    /** The element the empty line is (a table body needs a row). */
    emptyTag: 'tr' | 'li' | 'div' = 'div',
  ) {
    this.empty = el(emptyTag, 'admin-empty');
    if (emptyTag === 'tr') {
      const cell = el('td', 'admin-empty-cell', emptyText);
      cell.colSpan = 99;
      this.empty.append(cell);
    } else {
      this.empty.textContent = emptyText;
    }
    container.append(this.empty);
  }

  render(items: readonly T[]): void {
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const item of items) {
      const key = this.keyOf(item);
      seen.add(key);
      let row = this.rows.get(key);
      if (!row) {
        row = this.create(item);
        row.root.dataset.key = key;
        this.rows.set(key, row);
      }
      row.update(item);
      // In the items' order, moving a row only when it is out of place.
      const expected: Element | null = previous
        ? previous.nextElementSibling
        : this.container.firstElementChild;
      if (expected !== row.root) {
        if (previous) previous.after(row.root);
        else this.container.prepend(row.root);
      }
      previous = row.root;
    }
    for (const [key, row] of this.rows) {
      if (seen.has(key)) continue;
      row.root.remove();
      this.rows.delete(key);
    }
    this.empty.hidden = items.length > 0;
    if (items.length === 0) this.container.append(this.empty);
  }
}

/** Sets a cell's text only when it changed (the console redraws every poll). */
export function text(node: HTMLElement, value: string): void {
  if (node.textContent !== value) node.textContent = value;
}

/** A small button of the console's tables, with a test id. */
export function button(label: string, testid: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'admin-button', label);
  b.type = 'button';
  b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}
