// Merges repeated benchmark runs: the median of each numeric field over the
// runs that share a key.
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

// rows: objects; keyOf(row) -> string. Returns Map key -> {first row, with
// every numeric field replaced by its median, runs: count}.
export function mediansByKey(rows, keyOf) {
  const groups = new Map();
  for (const row of rows) {
    const key = keyOf(row);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  const out = new Map();
  for (const [key, group] of groups) {
    const merged = { ...group[0], runs: group.length };
    for (const [field, value] of Object.entries(group[0])) {
      if (typeof value === 'number') merged[field] = median(group.map((r) => r[field]));
    }
    out.set(key, merged);
  }
  return out;
}

// JSON lines printed as `JSON {...}` by the C++ benchmarks.
export function jsonLines(text) {
  return text
    .split('\n')
    .filter((l) => l.startsWith('JSON '))
    .map((l) => JSON.parse(l.slice(5)));
}
