export interface BarGroup {
  label: string;
  /** A second line under the label (a ratio, say). */
  note?: string;
  /** One value per series; null draws no bar (and "—"). */
  values: (number | null)[];
}

export interface BarPanel {
  title: string;
  unit: string;
  groups: BarGroup[];
}

export interface BarChartOptions {
  series: { name: string; color: string }[];
  panels: BarPanel[];
  /** @default 860 */
  width?: number;
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const format = (value: number): string =>
  value === 0
    ? '0'
    : value >= 100
      ? Math.round(value).toLocaleString('en-US')
      : value >= 10
        ? value.toFixed(1)
        : value.toFixed(2);

/** A round upper bound for an axis, at or above `max`: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return (
    [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]
      .map((step) => step * power)
      .find((candidate) => candidate >= max * (1 - 1e-9)) ?? 10 * power
  );
}

/** A grouped bar chart, one panel under the other, as a standalone SVG document (no library). */
export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 860;
  const panelHeight = 280;
  const margin = { left: 70, right: 20, top: 40, bottom: 50 };
  const legendHeight = 30;
  const height = legendHeight + options.panels.length * panelHeight;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  options.series.forEach((series, i) => {
    const x = margin.left + i * 160;
    out.push(
      `<rect x="${x}" y="10" width="14" height="14" fill="${series.color}"/>`,
      `<text x="${x + 20}" y="21">${escape(series.name)}</text>`,
    );
  });

  options.panels.forEach((panel, p) => {
    const top = legendHeight + p * panelHeight;
    const plotTop = top + margin.top;
    const plotHeight = panelHeight - margin.top - margin.bottom;
    const plotWidth = width - margin.left - margin.right;
    const max = niceMax(
      Math.max(
        0,
        ...panel.groups.flatMap((g) =>
          g.values.filter((v): v is number => v !== null && Number.isFinite(v)),
        ),
      ),
    );
    const y = (value: number): number => plotTop + plotHeight - (value / max) * plotHeight;
    out.push(
      `<text x="${margin.left}" y="${top + 24}" font-size="14" font-weight="bold">${escape(panel.title)}</text>`,
    );
    for (let tick = 0; tick <= 4; tick += 1) {
      const value = (max * tick) / 4;
      out.push(
        `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/>`,
        `<text x="${margin.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" fill="#6b7280">${escape(format(value))}</text>`,
      );
    }
    out.push(
      `<text x="14" y="${(plotTop + plotHeight / 2).toFixed(1)}" transform="rotate(-90 14 ${(plotTop + plotHeight / 2).toFixed(1)})" text-anchor="middle" fill="#6b7280">${escape(panel.unit)}</text>`,
    );
    const groupWidth = plotWidth / Math.max(1, panel.groups.length);
    const barWidth = Math.min(60, (groupWidth * 0.7) / Math.max(1, options.series.length));
    panel.groups.forEach((group, g) => {
      const center = margin.left + groupWidth * (g + 0.5);
      const first = center - (barWidth * options.series.length) / 2;
      group.values.forEach((value, s) => {
        const x = first + s * barWidth;
        const color = options.series[s]?.color ?? '#000000';
        if (value === null || !Number.isFinite(value)) {
          out.push(
            `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(plotTop + plotHeight - 4).toFixed(1)}" text-anchor="middle" fill="#6b7280">—</text>`,
          );
          return;
        }
        out.push(
          `<rect x="${(x + 2).toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(plotTop + plotHeight - y(value)).toFixed(1)}" fill="${color}"/>`,
          `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(value) - 4).toFixed(1)}" text-anchor="middle" font-size="11">${escape(format(value))}</text>`,
        );
      });
      out.push(
        `<text x="${center.toFixed(1)}" y="${(plotTop + plotHeight + 18).toFixed(1)}" text-anchor="middle">${escape(group.label)}</text>`,
      );
      if (group.note)
        out.push(
          `<text x="${center.toFixed(1)}" y="${(plotTop + plotHeight + 33).toFixed(1)}" text-anchor="middle" fill="#6b7280" font-size="11">${escape(group.note)}</text>`,
        );
    });
    out.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${plotTop + plotHeight}" y2="${plotTop + plotHeight}" stroke="#9ca3af"/>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
