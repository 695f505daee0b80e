import { v5 } from 'uuid';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of the namespace and the name): the same namespace
 * and name always give the same UUID, and nobody can tell the name from it. The name goes to `v5`
 * as its UTF-8 bytes, as Node encodes them: a string with a lone surrogate then still has a UUID
 * (uuid's own encoding of a string throws on one), and every UUID is the one it always was.
 */
export const nameBasedUuid = (namespace: string, name: string): string =>
  v5(Buffer.from(name, 'utf8'), namespace);
