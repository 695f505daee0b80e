import { EntityDecoder } from '@nodable/entities';
import { XMLParser } from 'fast-xml-parser';
import { assertBalanced } from './balance.js';

export interface XmlReaderOptions {
  /** Local names of every element that may repeat: always parsed as arrays, even with one child. */
  arrays: readonly string[];
}

export type XmlReader = (xml: string) => unknown;

/**
 * One configured reader per upstream format: tags checked to balance first (the parser alone
 * reads a document cut short as if it were whole), namespace prefixes removed (any prefix, or a
 * default namespace, reads the same), values left as text (`000123` and `1984` stay strings), text
 * trimmed, XML's entities and numeric character references decoded, entity expansion bounded.
 * The result is `unknown` until a zod schema has parsed it.
 */
export function createXmlReader(options: XmlReaderOptions): XmlReader {
  const arrays = new Set(options.arrays);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // isArray looks at the name only: the parser need not build a path string for every element.
    jPath: false,
    isArray: (name) => arrays.has(name),
    entityDecoder: new EntityDecoder({
      numericAllowed: true,
      limit: { maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
    }),
    processEntities: { enabled: true, maxEntityCount: 10, maxEntitySize: 1_000 },
  });
  return (xml) => {
    assertBalanced(xml);
    return parser.parse(xml) as unknown;
  };
}
