import XmlBuilder from 'fast-xml-builder';

/**
 * The sandbox writes XML with fast-xml-parser's builder (published on its own as fast-xml-builder). Text and attribute values are escaped
 * here, before the builder sees them (its own escaping is off), so that a value can also be written
 * with numeric character references, as some real ERP answers are.
 */
const builder = new XmlBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  cdataPropName: '#cdata',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: false,
  format: false,
});

export type XmlNode = Record<string, unknown>;

export interface XmlWriteStyle {
  /** Quote character of attribute values. @default '"' */
  quote?: '"' | "'";
}

export function buildXml(root: XmlNode, style: XmlWriteStyle = {}): string {
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(root)}`;
  return style.quote === "'" ? toSingleQuotes(xml) : xml;
}

/** Escapes text for XML; with `numericReferences`, every non-ASCII character becomes `&#N;` or `&#xH;`. */
export function escapeXml(text: string, numericReferences = false): string {
  let out = text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
  if (numericReferences) {
    out = out.replace(/[^\p{ASCII}]/gu, (char) => {
      const code = char.codePointAt(0) ?? 0;
      // Both forms occur in real files: decimal for Latin letters, hexadecimal for the rest.
      return code < 0x2000 ? `&#${String(code)};` : `&#x${code.toString(16).toUpperCase()};`;
    });
  }
  return out;
}

/** Text as a CDATA section (a `]]>` inside is split across two sections). */
export function cdata(text: string): { '#cdata': string } {
  return { '#cdata': text.replaceAll(']]>', ']]]]><![CDATA[>') };
}

/**
 * Rewrites attribute quoting to single quotes. Values were escaped by `escapeXml`, so the only
 * double quotes outside CDATA sections are attribute delimiters.
 */
function toSingleQuotes(xml: string): string {
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part : part.replace(/="([^"]*)"/g, "='$1'")))
    .join('');
}
