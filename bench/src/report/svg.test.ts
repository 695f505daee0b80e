import { describe, expect, it } from 'vitest';
import { barChartSvg, niceMax } from './svg.js';

describe('barChartSvg', () => {
  const svg = barChartSvg({
    series: [
      { name: 'BFF', color: '#2563eb' },
      { name: 'baseline', color: '#9ca3af' },
    ],
    panels: [
      {
        title: 'Throughput <32 connections>',
        unit: 'req/s',
        groups: [
          { label: 'page & co', values: [1200, 2400] },
          { label: 'dashboard', values: [800, null] },
        ],
      },
    ],
  });

  it('draws one bar per value and a dash where there is none', () => {
    expect(svg.match(/<rect [^>]*fill="#2563eb"\/>/g)).toHaveLength(3); // legend + 2 bars
    expect(svg.match(/<rect [^>]*fill="#9ca3af"\/>/g)).toHaveLength(2); // legend + 1 bar
    expect(svg).toContain('>—</text>');
  });

  it('escapes text', () => {
    expect(svg).toContain('Throughput &lt;32 connections&gt;');
    expect(svg).toContain('page &amp; co');
  });

  it('rounds the axis up to a round number', () => {
    expect(niceMax(2400)).toBe(2500);
    expect(niceMax(1064)).toBe(1200);
    expect(niceMax(1000)).toBe(1000);
    expect(niceMax(7.43)).toBe(8);
    expect(niceMax(0)).toBe(1);
  });
});
