import XmlBuilder from 'fast-xml-builder';

const builder = new XmlBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  // The builder escapes &, <, >, " and ' in text and attributes: user input cannot change the structure.
  processEntities: true,
  format: false,
});

/** Builds an XML document from a plain object; never by string concatenation of input. */
export function buildXml(root: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build(root)}`;
}
