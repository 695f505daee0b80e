/** Thrown when a document is not one element with balanced tags. */
export class XmlShapeError extends Error {
  override readonly name = 'XmlShapeError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at ${String(position)}`);
  }
}

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
/** Where a tag's name ends: at whitespace, `/` or `>`. */
const isNameEnd = (code: number): boolean => isSpace(code) || code === 0x2f || code === 0x3e;

/**
 * Checks that a document is exactly one root element whose start and end tags balance, in one
 * pass of `indexOf` jumps: what catches an answer cut short (a dropped connection, a proxy's
 * limit), a mangled one or an HTML error page with unclosed tags. fast-xml-parser alone accepts
 * all of those (an unclosed element is read as if it were closed, a wrong end tag is ignored);
 * a full validator would check every name and attribute too, at several times the cost of this
 * pass, for mistakes that the zod schema after the parser catches where they matter.
 * Comments, CDATA sections, processing instructions and a DOCTYPE (before the root) are skipped;
 * quoted attribute values may hold `>` and `/` (never `<`); text outside the root must be whitespace.
 */
export function assertBalanced(xml: string): void {
  const open: string[] = [];
  let rootSeen = false;
  let at = 0;
  for (;;) {
    const lt = xml.indexOf('<', at);
    // Between tags: outside the root, only whitespace (a BOM first) may stand.
    if (open.length === 0) {
      const end = lt === -1 ? xml.length : lt;
      for (let i = at; i < end; i += 1) {
        const code = xml.charCodeAt(i);
        if (!isSpace(code) && !(i === 0 && code === 0xfeff))
          throw new XmlShapeError('text outside the root element', i);
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', lt);
      if (end === -1) throw new XmlShapeError('unterminated end tag', lt);
      const expected = open.pop();
      if (expected === undefined) throw new XmlShapeError('end tag without a start tag', lt);
      const nameEnd = lt + 2 + expected.length;
      if (!xml.startsWith(expected, lt + 2) || xml.slice(nameEnd, end).trim() !== '')
        throw new XmlShapeError(`end tag does not close <${expected}>`, lt);
      at = end + 1;
    } else if (next === 0x3f /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlShapeError('unterminated processing instruction', lt);
      at = end + 2;
    } else if (next === 0x21 /* ! */) {
      at = skipDeclaration(xml, lt, open.length > 0, rootSeen);
    } else {
      if (rootSeen && open.length === 0) throw new XmlShapeError('a second root element', lt);
      let nameEnd = lt + 1;
      while (nameEnd < xml.length && !isNameEnd(xml.charCodeAt(nameEnd))) nameEnd += 1;
      if (nameEnd === lt + 1) throw new XmlShapeError('a tag without a name', lt);
      const end = tagEnd(xml, nameEnd);
      if (end === -1) throw new XmlShapeError('unterminated start tag', lt);
      rootSeen = true;
      if (xml.charCodeAt(end - 1) !== 0x2f) open.push(xml.slice(lt + 1, nameEnd));
      at = end + 1;
    }
  }
  if (!rootSeen) throw new XmlShapeError('no root element', 0);
  const unclosed = open.at(-1);
  if (unclosed !== undefined)
    throw new XmlShapeError(`<${unclosed}> is not closed (the document ends early)`, xml.length);
}

/** The `>` that ends a start tag, past quoted attribute values; -1 when there is none. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i += 1) {
    const code = xml.charCodeAt(i);
    if (quote !== 0) {
      // XML allows no raw `<` in an attribute value: a lost quote would pair quotes across tags.
      if (code === quote) quote = 0;
      else if (code === 0x3c) return -1;
    } else if (code === 0x22 || code === 0x27) quote = code;
    else if (code === 0x3e) return i;
    else if (code === 0x3c) return -1;
  }
  return -1;
}

/** Skips `<!-- -->`, `<![CDATA[ ]]>` (inside the root) or `<!DOCTYPE …>` (before it); returns where to go on. */
function skipDeclaration(xml: string, lt: number, insideRoot: boolean, rootSeen: boolean): number {
  if (xml.startsWith('<!--', lt)) {
    const end = xml.indexOf('-->', lt + 4);
    if (end === -1) throw new XmlShapeError('unterminated comment', lt);
    return end + 3;
  }
  if (xml.startsWith('<![CDATA[', lt)) {
    if (!insideRoot) throw new XmlShapeError('CDATA outside the root element', lt);
    const end = xml.indexOf(']]>', lt + 9);
    if (end === -1) throw new XmlShapeError('unterminated CDATA section', lt);
    return end + 3;
  }
  if (xml.startsWith('<!DOCTYPE', lt) && !rootSeen) {
    // An internal subset ([ … ]) holds declarations with `>` of their own.
    const bracket = xml.indexOf('[', lt);
    const close = xml.indexOf('>', lt);
    if (close === -1) throw new XmlShapeError('unterminated DOCTYPE', lt);
    if (bracket === -1 || bracket > close) return close + 1;
    const subsetEnd = xml.indexOf(']', bracket);
    const end = subsetEnd === -1 ? -1 : xml.indexOf('>', subsetEnd);
    if (end === -1) throw new XmlShapeError('unterminated DOCTYPE', lt);
    return end + 1;
  }
  throw new XmlShapeError('an unexpected <! declaration', lt);
}
