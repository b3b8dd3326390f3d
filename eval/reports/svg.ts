/**
 * Inline SVG plots for report.html: ROC curves, per-category recall bars and confusion counts.
 * Plain strings, no library and no script, so the file opens offline in any browser.
 */
import type { Confusion, RocPoint } from '../metrics.js';
import { escapeXml, pct } from './format.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** ROC curves (FPR on a linear x axis) with a legend; one polyline per series. */
export function rocSvg(
  title: string,
  series: ReadonlyArray<{ label: string; points: readonly RocPoint[]; auc: number | null }>,
  opts: { logFpr?: boolean } = {},
): string {
  const W = 600;
  const H = 300;
  const L = 45;
  const T = 25;
  const PW = 220;
  const PH = 220;
  // Log scale shows the operating region (FPR 0.1 %–10 %) that a linear axis squeezes into one pixel.
  const MIN_LOG = -3;
  const x = opts.logFpr
    ? (f: number) => (L + ((Math.log10(Math.max(f, 10 ** MIN_LOG)) - MIN_LOG) / -MIN_LOG) * PW).toFixed(1)
    : (f: number) => (L + f * PW).toFixed(1);
  const y = (t: number) => (T + (1 - t) * PH).toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot roc" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}">`,
    `<text x="${L}" y="15" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${L}" y="${T}" width="${PW}" height="${PH}" fill="none" stroke="#888"/>`,
    opts.logFpr ? '' : `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#ccc" stroke-dasharray="4 3"/>`,
    `<text x="${L + PW / 2}" y="${T + PH + 30}" font-size="11" text-anchor="middle">false-positive rate${opts.logFpr ? ' (log; 0 drawn at 0.001)' : ''}</text>`,
    `<text x="12" y="${T + PH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${T + PH / 2})">recall (TPR)</text>`,
  ];
  for (const v of opts.logFpr ? [0.001, 0.01, 0.1, 1] : [0, 0.5, 1]) {
    parts.push(`<text x="${x(v)}" y="${T + PH + 14}" font-size="10" text-anchor="middle">${v}</text>`);
  }
  for (const v of [0, 0.5, 1]) parts.push(`<text x="${L - 4}" y="${Number(y(v)) + 3}" font-size="10" text-anchor="end">${v}</text>`);
  series.slice(0, COLORS.length).forEach((s, i) => {
    const pts = s.points.map((p) => `${x(p.fpr)},${y(p.tpr)}`).join(' ');
    parts.push(`<polyline class="roc-curve" fill="none" stroke="${COLORS[i]}" stroke-width="1.6" points="${pts}"/>`);
    const ly = T + 10 + i * 16;
    parts.push(`<rect x="${L + PW + 10}" y="${ly - 8}" width="10" height="10" fill="${COLORS[i]}"/>`);
    const auc = s.auc === null ? '' : ` (AUC ${s.auc.toFixed(3)})`;
    parts.push(`<text x="${L + PW + 24}" y="${ly + 1}" font-size="10">${escapeXml(shorten(s.label, 38) + auc)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars of recall per category (attack categories only). */
export function recallBarsSvg(title: string, bars: ReadonlyArray<{ label: string; value: number | null; n: number }>): string {
  const rowH = 20;
  const L = 190;
  const BW = 260;
  const H = 30 + bars.length * rowH + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot bars" width="${L + BW + 110}" height="${H}" viewBox="0 0 ${L + BW + 110} ${H}" role="img" aria-label="${escapeXml(title)}">`,
    `<text x="4" y="15" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y0 = 25 + i * rowH;
    const w = ((b.value ?? 0) * BW).toFixed(1);
    parts.push(`<text x="${L - 6}" y="${y0 + 12}" font-size="10" text-anchor="end">${escapeXml(shorten(b.label, 32))}</text>`);
    parts.push(`<rect x="${L}" y="${y0 + 2}" width="${BW}" height="14" fill="#eee"/>`);
    parts.push(`<rect class="bar" x="${L}" y="${y0 + 2}" width="${w}" height="14" fill="#1f77b4"/>`);
    parts.push(`<text x="${L + BW + 6}" y="${y0 + 13}" font-size="10">${pct(b.value)} (n=${b.n})</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A 2×2 confusion grid with counts, shaded by share of the row. */
export function confusionSvg(title: string, c: Confusion): string {
  const cell = 80;
  const L = 90;
  const T = 40;
  const cells: Array<[number, number, string, number, boolean]> = [
    [0, 0, 'TP', c.tp, true],
    [1, 0, 'FN', c.fn, false],
    [0, 1, 'FP', c.fp, false],
    [1, 1, 'TN', c.tn, true],
  ];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot confusion" width="${L + 2 * cell + 10}" height="${T + 2 * cell + 10}" viewBox="0 0 ${L + 2 * cell + 10} ${T + 2 * cell + 10}" role="img" aria-label="${escapeXml(title)}">`,
    `<text x="4" y="14" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${L + cell / 2}" y="${T - 6}" font-size="10" text-anchor="middle">flagged</text>`,
    `<text x="${L + 1.5 * cell}" y="${T - 6}" font-size="10" text-anchor="middle">passed</text>`,
    `<text x="${L - 6}" y="${T + cell / 2 + 4}" font-size="10" text-anchor="end">attack</text>`,
    `<text x="${L - 6}" y="${T + 1.5 * cell + 4}" font-size="10" text-anchor="end">benign</text>`,
  ];
  for (const [col, rowI, label, v, good] of cells) {
    const rowTotal = rowI === 0 ? c.tp + c.fn : c.fp + c.tn;
    const share = rowTotal === 0 ? 0 : v / rowTotal;
    const fill = good ? `rgba(44,160,44,${(0.15 + 0.7 * share).toFixed(2)})` : `rgba(214,39,40,${(0.15 + 0.7 * share).toFixed(2)})`;
    const x0 = L + col * cell;
    const y0 = T + rowI * cell;
    parts.push(`<rect class="cell" x="${x0}" y="${y0}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/>`);
    parts.push(`<text x="${x0 + cell / 2}" y="${y0 + cell / 2 - 4}" font-size="11" text-anchor="middle">${label}</text>`);
    parts.push(`<text x="${x0 + cell / 2}" y="${y0 + cell / 2 + 12}" font-size="13" font-weight="bold" text-anchor="middle">${v}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
