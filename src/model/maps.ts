// Maps of lists and maps of maps, filled as things are read: one helper for every place that groups
// by a key (the converters and the engine alike).

/** A Map or a WeakMap. */
interface Keyed<K, V> {
  get(k: K): V | undefined;
  set(k: K, v: V): unknown;
}

/** What m (a Map, or a WeakMap cache) holds for key k, made by `make` on first use. */
export function cached<K, V>(m: Keyed<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

/** m's list for key k, created empty on first use. */
export function innerList<K, V>(m: Map<K, V[]>, k: K): V[] {
  return cached(m, k, () => []);
}

/** m's map for key k, created empty on first use. */
export function innerMap<K, K2, V>(m: Map<K, Map<K2, V>>, k: K): Map<K2, V> {
  return cached(m, k, () => new Map<K2, V>());
}

/** m's set for key k, created empty on first use. */
export function innerSet<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  return cached(m, k, () => new Set<V>());
}

/** m's weak map for key k (a cache keyed by objects), created empty on first use. */
export function innerWeakMap<K, K2 extends object, V>(m: Keyed<K, WeakMap<K2, V>>, k: K): WeakMap<K2, V> {
  return cached(m, k, () => new WeakMap<K2, V>());
}
