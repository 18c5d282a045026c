/** One figure of the run: a line of the table and an entry of the JSON summary. */
export interface Row {
  readonly scenario: string;
  /** Stable key for the JSON summary, e.g. `reads.closed_loop.rps`. */
  readonly key: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** value / ceiling, with the ceiling's name. */
  readonly ratio?: { readonly value: number; readonly to: string };
  /** Spec target id (P1…P10) and its text. */
  readonly target?: { readonly id: string; readonly text: string };
  readonly met?: boolean;
}

export function ratioTo(value: number, ceiling: number | undefined, name: string): Row['ratio'] {
  if (ceiling === undefined || !(ceiling > 0) || !Number.isFinite(value)) return undefined;
  return { value: value / ceiling, to: name };
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value < 10 ? value.toFixed(3) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
  if (unit === '%') return value.toFixed(1);
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

function formatRatio(ratio: Row['ratio']): string {
  if (ratio === undefined) return '';
  return `${(ratio.value * 100).toFixed(1)} % of ${ratio.to}`;
}

function formatMet(row: Row): string {
  if (row.met === undefined) return '';
  return row.met ? 'yes' : 'no';
}

export function table(rows: readonly Row[]): string {
  const header = ['figure', 'value', 'unit', 'ratio', 'target', 'met?'];
  const body = rows.map((row) => [
    row.name,
    formatValue(row.value, row.unit),
    row.unit,
    formatRatio(row.ratio),
    row.target !== undefined ? `${row.target.id} ${row.target.text}` : '',
    formatMet(row),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join(' | ')
      .trimEnd();
  const separator = widths.map((width) => '-'.repeat(width)).join('-|-');
  const out = [line(header), separator];
  let scenario = '';
  for (const [index, cells] of body.entries()) {
    const row = rows[index];
    if (row !== undefined && row.scenario !== scenario && scenario !== '') out.push(separator);
    if (row !== undefined) scenario = row.scenario;
    out.push(line(cells));
  }
  return out.join('\n');
}

/** The same table as Markdown, for BENCHMARKS.md. */
export function markdownTable(rows: readonly Row[]): string {
  const out = ['| scenario | figure | value | unit | ratio | target | met? |', '|---|---|---:|---|---|---|---|'];
  for (const row of rows) {
    out.push(
      `| ${row.scenario} | ${row.name} | ${formatValue(row.value, row.unit)} | ${row.unit} | ${formatRatio(row.ratio)} | ${row.target !== undefined ? `${row.target.id} ${row.target.text}` : ''} | ${formatMet(row)} |`,
    );
  }
  return out.join('\n');
}
