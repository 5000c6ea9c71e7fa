import { availableParallelism } from 'node:os'
import test from 'ava'
import { isAbsolute } from 'node:path'
import { loadServerConfig } from '../src/config.js'

test('a data file alone gives a frozen config with the documented defaults', (t) => {
  const result = loadServerConfig(['data.txt'], {})
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
  const config = result.config
  t.true(Object.isFrozen(config))
  t.true(isAbsolute(config.dataPath))
  t.true(config.dataPath.endsWith('data.txt'))
  t.is(config.port, 8080)
  t.is(config.host, '0.0.0.0')
  t.is(config.cacheBytes, 256 * 1024 * 1024)
  t.is(config.cacheMaxLineBytes, 64 * 1024)
  t.is(config.maxPendingLookups, 16384)
  t.is(config.batchMaxLines, 256)
  t.is(config.accessLog, false)
  t.is(config.indexDir, undefined)
  t.is(config.checkpointEveryLines, 64)
  t.is(config.checkpointEveryBytes, 16 * 1024)
  t.is(config.heapGrowthPercent, 20)
  t.is(config.workerNice, 0)
  t.true(config.threads >= 1)
})

test('worker threads default to the cores shared among the processes, 1 to 4 each, and an explicit value wins', (t) => {
  const cores = availableParallelism()
  for (const processes of [1, 2, 3, 64]) {
    const result = loadServerConfig(['data.txt', `--processes=${processes}`], {})
    if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
    t.is(result.config.threads, Math.max(1, Math.min(4, Math.floor(cores / processes))), `${processes} processes`)
  }
  const explicit = loadServerConfig(['data.txt', '--processes=64', '--threads=8'], {})
  if (explicit.kind !== 'ok') return t.fail(JSON.stringify(explicit))
  t.is(explicit.config.threads, 8)
})

test('reads values from flags and env vars, and a flag wins over its env var', (t) => {
  const result = loadServerConfig(['data.txt', '--port', '9000', '--cache-bytes=1MiB', '--access-log'], {
    PORT: '1234', HOST: '127.0.0.1', LINE_SERVER_CACHE_BYTES: '5MiB', LINE_SERVER_THREADS: '3', LINE_SERVER_CHECKPOINT_BYTES: '64KiB'
  })
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
  t.is(result.config.port, 9000)
  t.is(result.config.host, '127.0.0.1')
  t.is(result.config.cacheBytes, 1024 * 1024)
  t.is(result.config.threads, 3)
  t.is(result.config.accessLog, true)
  t.is(result.config.checkpointEveryBytes, 65536)
})

test('the heap growth percent comes from its env var, 0 gives the choice back to V8, and nonsense is refused', (t) => {
  for (const [text, expected] of [['0', 0], ['35', 35], ['1000', 1000]] as const) {
    const result = loadServerConfig(['data.txt'], { LINE_SERVER_HEAP_GROWTH_PERCENT: text })
    if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
    t.is(result.config.heapGrowthPercent, expected)
  }
  for (const text of ['1001', '2.5', 'low', '', '1e3', '99999999999999999999']) {
    const result = loadServerConfig(['data.txt', `--heap-growth-percent=${text}`], {})
    t.is(result.kind, 'invalid', text)
  }
})

test('the nice increment of the workers is 0 to 19, from its flag or env var, and nonsense is refused', (t) => {
  for (const [argv, env, expected] of [[[], { LINE_SERVER_WORKER_NICE: '10' }, 10], [['--worker-nice=19'], {}, 19], [['--worker-nice', '3'], { LINE_SERVER_WORKER_NICE: '7' }, 3]] as const) {
    const result = loadServerConfig(['data.txt', ...argv], env)
    if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
    t.is(result.config.workerNice, expected)
  }
  // Negative values would raise priority (root only, and never wanted); 20 and up are not nice levels.
  for (const text of ['-1', '20', '2.5', 'low', '', '1e1', '99999999999999999999']) {
    const result = loadServerConfig(['data.txt', `--worker-nice=${text}`], {})
    if (result.kind !== 'invalid') return t.fail(text)
    t.true(result.problems.some((problem) => problem.includes('--worker-nice')), text)
  }
})

test('reports every invalid value together', (t) => {
  const result = loadServerConfig([
    '--port=99999', '--threads=0', '--cache-bytes=lots', '--bogus', '--max-pending=-5', '--access-log=perhaps', '--checkpoint-lines=0', '--heap-growth-percent=-1'
  ], { LINE_SERVER_BATCH_MAX_LINES: 'many' })
  if (result.kind !== 'invalid') return t.fail(JSON.stringify(result))
  const problems = result.problems
  const mentions = ['--port', '--threads', '--cache-bytes', 'unknown option --bogus', '--max-pending', '--access-log', '--checkpoint-lines', '--heap-growth-percent', 'LINE_SERVER_BATCH_MAX_LINES', 'exactly one data file']
  for (const text of mentions) t.true(problems.some((p) => p.includes(text)), `${text} in ${JSON.stringify(problems)}`)
  t.is(problems.length, mentions.length)
})

test('needs exactly one data file', (t) => {
  for (const argv of [[], ['a.txt', 'b.txt']]) {
    const result = loadServerConfig(argv, {})
    t.is(result.kind, 'invalid')
    if (result.kind === 'invalid') t.true(result.problems.some((p) => p.includes('exactly one data file')))
  }
})

test('refuses a headers timeout longer than the request timeout', (t) => {
  const result = loadServerConfig(['d', '--headers-timeout-ms=5000', '--request-timeout-ms=1000'], {})
  t.is(result.kind, 'invalid')
  if (result.kind === 'invalid') t.deepEqual(result.problems, ['--headers-timeout-ms must not be larger than --request-timeout-ms'])
})

test('checks the line range, the metrics address and the token along with the rest', (t) => {
  const result = loadServerConfig(['d', '--line-range=9-3', '--metrics-listen=nowhere', '--auth-token=short', '--port=x'], {})
  if (result.kind !== 'invalid') return t.fail(JSON.stringify(result))
  t.is(result.problems.length, 4, JSON.stringify(result.problems))
  for (const text of ['--line-range', '--metrics-listen', '--auth-token', '--port']) t.true(result.problems.some((p) => p.includes(text)), text)
})

test('parses a line range and a metrics address', (t) => {
  const result = loadServerConfig(['d', '--line-range', '1-5000', '--metrics-listen', '[::1]:9464'], { LINE_SERVER_AUTH_TOKEN: 'x'.repeat(16) })
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result))
  t.deepEqual(result.config.lineRange, { first: 1, last: 5000 })
  t.deepEqual(result.config.metricsListen, { host: '::1', port: 9464 })
  t.is(result.config.authToken, 'x'.repeat(16))
  const anyHost = loadServerConfig(['d', '--metrics-listen=:9464'], {})
  t.deepEqual(anyHost.kind === 'ok' ? anyHost.config.metricsListen : undefined, { host: '0.0.0.0', port: 9464 })
})

test('asks for help with --help', (t) => {
  t.deepEqual(loadServerConfig(['--help', '--port=bad'], {}), { kind: 'help' })
})

test('takes a cache budget up to 128 GiB and refuses more', (t) => {
  const ok = loadServerConfig(['data.txt', '--cache-bytes=128GiB'], {})
  t.is(ok.kind === 'ok' ? ok.config.cacheBytes : undefined, 128 * 2 ** 30)
  const over = loadServerConfig(['data.txt', '--cache-bytes=129GiB'], {})
  t.true(over.kind === 'invalid' && over.problems.some((p) => p.includes('--cache-bytes') && p.includes('at most')), JSON.stringify(over))
})
