import { describe, expect, it } from 'vitest';
import { FX_DATE } from '../data/fx-rates.js';
import { useSandbox } from '../testing/helpers.js';
import type { Sandbox } from '../start-sandbox.js';
import { childOf, childrenOf, parseXml } from '../xml/read.js';
import { EUROFXREF_NS, GESMES_NS } from './fx.js';

const DAILY_PATH = '/stats/eurofxref/eurofxref-daily.xml';

async function fetchDaily(
  sandbox: Sandbox,
): Promise<{ status: number; contentType: string; raw: string }> {
  // No X-Api-Key: the ECB file is public.
  const response = await fetch(`${sandbox.urls.fx}${DAILY_PATH}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    raw: await response.text(),
  };
}

/** The day and the rates of the file, read the way a client reads it: by namespace and local name. */
function readRates(raw: string): { time: string | undefined; rates: Map<string, string> } {
  const envelope = parseXml(raw);
  expect(envelope).toMatchObject({ ns: GESMES_NS, name: 'Envelope' });
  const day = childOf(childOf(envelope, 'Cube', EUROFXREF_NS), 'Cube', EUROFXREF_NS);
  const rates = new Map<string, string>();
  for (const cube of childrenOf(day, 'Cube', EUROFXREF_NS)) {
    const { currency, rate } = cube.attributes;
    if (currency === undefined || rate === undefined)
      throw new Error(`a Cube without currency or rate: ${JSON.stringify(cube.attributes)}`);
    expect(rates.has(currency)).toBe(false);
    rates.set(currency, rate);
  }
  return { time: day?.attributes.time, rates };
}

describe('FX service: the ECB daily file', () => {
  const sandbox = useSandbox();

  it('answers the file as XML without an API key', async () => {
    const { status, contentType, raw } = await fetchDaily(sandbox());

    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/xml\b/);
    expect(raw.startsWith('<?xml')).toBe(true);
  });

  it('is a gesmes:Envelope with the gesmes namespace and the eurofxref default namespace', async () => {
    const { raw } = await fetchDaily(sandbox());

    expect(raw).toContain('<gesmes:Envelope');
    expect(raw).toContain(`xmlns:gesmes='${GESMES_NS}'`);
    expect(raw).toContain(`xmlns='${EUROFXREF_NS}'`);
    const envelope = parseXml(raw);
    expect(envelope.ns).toBe(GESMES_NS);
    expect(envelope.name).toBe('Envelope');
    expect(childOf(envelope, 'Cube', EUROFXREF_NS)).toBeDefined();
  });

  it('holds Cube > Cube time="2026-11-25" > about 30 Cube currency/rate rows', async () => {
    const { time, rates } = readRates((await fetchDaily(sandbox())).raw);

    expect(time).toBe(FX_DATE);
    expect(time).toBe('2026-11-25');
    expect(rates.size).toBeGreaterThanOrEqual(25);
    expect(rates.size).toBeLessThanOrEqual(35);
    for (const [currency, rate] of rates) {
      expect(currency).toMatch(/^[A-Z]{3}$/);
      expect(rate).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(rate)).toBeGreaterThan(0);
    }
  });

  it('lists USD, JPY, KRW and ISK and not EUR (rates are per 1 EUR)', async () => {
    const { rates } = readRates((await fetchDaily(sandbox())).raw);

    expect(rates.get('USD')).toBe('1.0921');
    expect(rates.get('JPY')).toBe('162.89');
    expect(rates.has('KRW')).toBe(true);
    expect(rates.has('ISK')).toBe(true);
    expect(rates.has('EUR')).toBe(false);
  });

  it('writes attributes in single quotes, as the ECB does', async () => {
    const { raw } = await fetchDaily(sandbox());

    expect(raw).toContain(`time='${FX_DATE}'`);
    expect(raw).toContain("currency='USD' rate='1.0921'");
    expect(raw).not.toMatch(/\s[\w:]+="/);
  });

  it('answers 404 for another path', async () => {
    const response = await fetch(`${sandbox().urls.fx}/stats/eurofxref/eurofxref-hist.xml`);

    expect(response.status).toBe(404);
  });
});

describe("FX service with fx: { quote: '\"' }", () => {
  const sandbox = useSandbox({ fx: { quote: '"' } });

  it('writes attributes in double quotes, with the same content', async () => {
    const { raw } = await fetchDaily(sandbox());

    expect(raw).toContain(`time="${FX_DATE}"`);
    expect(raw).toContain(`xmlns:gesmes="${GESMES_NS}"`);
    expect(raw).not.toMatch(/\s[\w:]+='/);
    const { time, rates } = readRates(raw);
    expect(time).toBe(FX_DATE);
    expect(rates.get('USD')).toBe('1.0921');
  });
});

describe('FX service with fx: { date }', () => {
  const sandbox = useSandbox({ fx: { date: '2026-11-26' } });

  it('publishes the file for that day', async () => {
    const { time } = readRates((await fetchDaily(sandbox())).raw);

    expect(time).toBe('2026-11-26');
  });
});
