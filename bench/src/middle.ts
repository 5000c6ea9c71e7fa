// The middle item of a list by a numeric key: the median for odd lengths, the upper of the two
// middle items for even ones. It returns an item rather than a number, so a median build, round
// or run keeps every other figure measured with it.
export function middleBy<T> (items: readonly T[], key: (item: T) => number): T | undefined {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]
}
