/** Exact EUR amounts for the sandbox's own sums (the ERP prices orders): decimal strings ↔ integer cents. */

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

export function decimalToCents(amount: string): number {
  const match = DECIMAL.exec(amount);
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const [, whole = '0', fraction = ''] = match;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function centsToDecimal(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${String(whole)}.${String(cents % 100).padStart(2, '0')}`;
}
