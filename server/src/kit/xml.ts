import { EntityDecoder } from '@nodable/entities';
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';

export interface XmlReaderOptions {
  /** Local names of every element that may repeat: always parsed as arrays, even with one child. */
  arrays: readonly string[];
}

export type XmlReader = (xml: string) => unknown;

/**
 * One configured reader per upstream format: well-formedness checked first (the parser alone
 * accepts unclosed elements), namespace prefixes removed (any prefix, or a default namespace,
 * reads the same), values left as text (`000123` and `1984` stay strings), text trimmed, XML's
 * entities and numeric character references decoded, entity expansion bounded. The result is
 * `unknown` until a zod schema has parsed it.
 */
export function createXmlReader(options: XmlReaderOptions): XmlReader {
  const arrays = new Set(options.arrays);
  const validator = new SyntaxValidator();
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.has(name),
    entityDecoder: new EntityDecoder({ numericAllowed: true, limit: { maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 } }),
    processEntities: { enabled: true, maxEntityCount: 10, maxEntitySize: 1_000 },
  });
  return (xml) => {
    validator.validate(xml);
    return parser.parse(xml) as unknown;
  };
}
