// node bench/scripts/map-churn-limit.mjs LIVE: can a V8 Map hold LIVE entries while one is
// deleted and one inserted, 3 x 2^24 times (an LRU at its cap)? Prints "ok" or where it threw.
// Why the line cache caps its entries at 2^23: V8 refuses a Map past 2^24 slots, and deleted
// entries keep theirs until a rehash, which doubles the table while fewer than half are deleted.
const live = Number(process.argv[2])
if (!Number.isSafeInteger(live) || live < 1) {
  process.stderr.write('usage: node bench/scripts/map-churn-limit.mjs LIVE   e.g. 8388608 or 12000000\n')
  process.exit(2)
}
const map = new Map()
let next = 0
try {
  for (; next < live; next++) map.set(next, next)
  for (let i = 0; i < 3 * 2 ** 24; i++) {
    map.delete(next - live)
    map.set(next, next)
    next++
  }
  console.log(`${live} live entries: ok after ${next} inserts`)
} catch (err) {
  console.log(`${live} live entries: threw after ${next} inserts: ${err.message}`)
}
