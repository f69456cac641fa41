/** A column: its header and how to render it from one row. */
export interface Column<R> {
  header: string;
  cell: (row: R) => string;
}

export function num(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Bytes as MiB ("MB" in the tables); "–" when unknown. */
export function mb(bytes: number | null, digits = 0): string {
  return bytes === null ? '–' : num(bytes / 2 ** 20, digits);
}

export function int(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** Aligned plain-text table: first column left, the rest right. */
export function textTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.cell(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function markdownTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const head = `| ${columns.map((c) => c.header).join(' | ')} |`;
  const rule = `|${columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  const body = rows.map((r) => `| ${columns.map((c) => c.cell(r)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}
