// The hardening suite's RSS sampler must stop in the test's teardown: a test that fails before
// calling stop() would otherwise keep an interval alive, and AVA waits for a test file to exit
// on its own, so the suite would hang until AVA's timeout.
import test, { type ExecutionContext } from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { sampleResidentBytes } from './helpers/hardening-processes.js'

test('the RSS sampler stops sampling in the teardown when the test never calls stop()', async (t) => {
  const teardowns: Array<() => void> = []
  const fakeContext = { teardown: (fn: () => void) => { teardowns.push(fn) } } as unknown as ExecutionContext
  let reads = 0
  sampleResidentBytes(fakeContext, process.pid, 5, () => ++reads)
  await sleep(40)
  t.true(reads > 1, `sampled ${reads} times in 40 ms`)
  t.is(teardowns.length, 1, 'registered one teardown')
  for (const fn of teardowns) fn()
  const afterTeardown = reads
  await sleep(40)
  t.is(reads, afterTeardown, 'no samples after the teardown')
})

test('stop() returns the peak of the samples taken', async (t) => {
  const values = [10, 30, 20]
  let i = 0
  const sampler = sampleResidentBytes(t, process.pid, 5, () => values[Math.min(i++, values.length - 1)]!)
  await sleep(30)
  const { peak, samples } = sampler.stop()
  t.is(peak, 30)
  t.true(samples >= 3)
})
