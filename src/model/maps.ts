// Maps of lists and maps of maps, filled as things are read: one helper for every place that groups
// by a key (the converters and the engine alike).

/** m's list for key k, created empty on first use. */
export function innerList<K, V>(m: Map<K, V[]>, k: K): V[] {
  let inner = m.get(k);
  if (!inner) m.set(k, (inner = []));
  return inner;
}

/** m's map for key k, created empty on first use. */
export function innerMap<K, K2, V>(m: Map<K, Map<K2, V>>, k: K): Map<K2, V> {
  let inner = m.get(k);
  if (!inner) m.set(k, (inner = new Map<K2, V>()));
  return inner;
}

/** m's set for key k, created empty on first use. */
export function innerSet<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let inner = m.get(k);
  if (!inner) m.set(k, (inner = new Set()));
  return inner;
}
