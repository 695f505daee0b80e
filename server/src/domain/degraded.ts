/** The names of failed optional parts, in the order given (the order the output type declares). */
export function degradedOf<N extends string>(order: readonly N[], failed: ReadonlySet<N>): N[] {
  return order.filter((name) => failed.has(name));
}
