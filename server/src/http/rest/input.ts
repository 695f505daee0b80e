import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge } from '../../errors.js';
import { isNumeric, type ProcedureSchemas } from './schemas.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

/** The request's body as a JSON object, read up to `maxBytes`. */
export function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off('data', onData);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (bytes > maxBytes) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(badRequest('The body is not valid JSON'));
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        reject(badRequest('The body must be a JSON object'));
        return;
      }
      resolve(body as Record<string, unknown>);
    });
  });
}

/**
 * A procedure's input from the path's parameters, the query string and the body. A query string
 * carries text: a field whose schema is a number takes a number written in it; an empty value is
 * no value. A field given twice is refused; anything the input does not know is left for the
 * procedure's strict schema to name.
 */
export function inputOf(
  schemas: ProcedureSchemas,
  parameters: Record<string, string>,
  search: string,
  body: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  const { properties } = schemas.input;
  const put = (name: string, value: unknown): void => {
    if (fields.has(name)) throw badRequest(`Invalid input: '${name}' is given more than once.`);
    fields.set(name, value);
  };
  const text = (name: string, value: string): unknown =>
    isNumeric(properties[name]) && NUMBER.test(value) ? Number(value) : value;
  for (const [name, value] of Object.entries(parameters)) put(name, text(name, value));
  for (const [name, value] of new URLSearchParams(search)) {
    if (value !== '' || fields.has(name)) put(name, text(name, value));
  }
  for (const [name, value] of Object.entries(body ?? {})) put(name, value);
  // Object.fromEntries makes own properties, `__proto__` included: the schema refuses it by name.
  return Object.fromEntries(fields);
}
