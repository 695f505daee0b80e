import { EntityDecoder } from '@nodable/entities';
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';

/** An element with its namespace resolved: what the sandbox reads requests (and its tests read answers) with. */
export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name, prefix removed. */
  name: string;
  /** Attributes by local name (namespace declarations left out). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), not trimmed. */
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  // XML's five named entities and numeric character references; HTML's named entities are not XML.
  entityDecoder: new EntityDecoder({
    numericAllowed: true,
    limit: { maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  }),
  processEntities: { enabled: true, maxEntityCount: 10, maxEntitySize: 1_000 },
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const validator = new SyntaxValidator();

type Ordered = Record<string, unknown>;

export class XmlSyntaxError extends Error {}

/** Parses a document into its root element; throws XmlSyntaxError when it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  let ordered: unknown;
  try {
    // The parser is lenient (it closes unclosed elements); the validator is not.
    validator.validate(xml);
    ordered = parser.parse(xml);
  } catch (error) {
    throw new XmlSyntaxError(error instanceof Error ? error.message : 'not well-formed XML');
  }
  const roots = toElements(
    Array.isArray(ordered) ? (ordered as unknown[]) : [],
    new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]),
  );
  const root = roots[0];
  if (!root || roots.length > 1)
    throw new XmlSyntaxError('a document has exactly one root element');
  return root;
}

function toElements(nodes: unknown[], scope: ReadonlyMap<string, string>): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const record = node as Ordered;
    const tag = Object.keys(record).find(
      (key) => key !== ':@' && key !== '#text' && key !== '#cdata',
    );
    if (tag === undefined) continue;
    const rawAttributes = (record[':@'] ?? {}) as Record<string, unknown>;
    const inner = new Map(scope);
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawAttributes)) {
      const text = String(value);
      if (key === 'xmlns') inner.set('', text);
      else if (key.startsWith('xmlns:')) inner.set(key.slice(6), text);
      else attributes[key.includes(':') ? key.slice(key.indexOf(':') + 1) : key] = text;
    }
    const colon = tag.indexOf(':');
    const prefix = colon < 0 ? '' : tag.slice(0, colon);
    const ns = inner.get(prefix);
    if (ns === undefined && prefix !== '')
      throw new XmlSyntaxError(`undeclared namespace prefix: ${prefix}`);
    const content = Array.isArray(record[tag]) ? (record[tag] as unknown[]) : [];
    let text = '';
    for (const child of content) {
      if (typeof child !== 'object' || child === null) continue;
      const value = child as Ordered;
      if (typeof value['#text'] === 'string') text += value['#text'];
      if ('#cdata' in value) {
        const parts = Array.isArray(value['#cdata']) ? (value['#cdata'] as Ordered[]) : [];
        for (const part of parts) if (typeof part['#text'] === 'string') text += part['#text'];
      }
    }
    elements.push({
      ns: ns ?? '',
      name: colon < 0 ? tag : tag.slice(colon + 1),
      attributes,
      children: toElements(content, inner),
      text,
    });
  }
  return elements;
}

/** The first child with this local name (and namespace, when given). */
export function childOf(
  element: XmlElement | undefined,
  name: string,
  ns?: string,
): XmlElement | undefined {
  return element?.children.find(
    (child) => child.name === name && (ns === undefined || child.ns === ns),
  );
}

export function childrenOf(
  element: XmlElement | undefined,
  name: string,
  ns?: string,
): XmlElement[] {
  return (
    element?.children.filter(
      (child) => child.name === name && (ns === undefined || child.ns === ns),
    ) ?? []
  );
}
