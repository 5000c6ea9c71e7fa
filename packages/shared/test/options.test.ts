import test from 'ava'
import { formatHelp, parseBytes, parseCommandLine, type OptionSpec } from '../src/options.js'

const SPECS: readonly OptionSpec[] = [
  { flag: 'port', env: 'TEST_PORT', kind: 'integer', min: 0, max: 65535, default: 8080, description: 'port' },
  { flag: 'host', env: 'TEST_HOST', kind: 'string', default: '0.0.0.0', description: 'host' },
  { flag: 'cache-bytes', env: 'TEST_CACHE_BYTES', kind: 'bytes', min: 0, max: 1024 ** 4, default: 1024, description: 'cache' },
  { flag: 'access-log', env: 'TEST_ACCESS_LOG', kind: 'boolean', default: false, description: 'log' },
  { flag: 'index-dir', env: 'TEST_INDEX_DIR', kind: 'string', description: 'index dir' }
]

test('uses defaults when neither a flag nor an env var is given', (t) => {
  const parsed = parseCommandLine(SPECS, ['data.txt'], {})
  t.deepEqual(parsed.problems, [])
  t.deepEqual(parsed.positionals, ['data.txt'])
  t.false(parsed.help)
  t.deepEqual({ ...parsed.values }, { port: 8080, host: '0.0.0.0', 'cache-bytes': 1024, 'access-log': false, 'index-dir': undefined })
})

test('falls back to the env var when the flag is absent', (t) => {
  const parsed = parseCommandLine(SPECS, [], { TEST_PORT: '9000', TEST_HOST: '127.0.0.1', TEST_CACHE_BYTES: '2MiB', TEST_ACCESS_LOG: 'yes', TEST_INDEX_DIR: '/tmp/x' })
  t.deepEqual(parsed.problems, [])
  t.deepEqual({ ...parsed.values }, { port: 9000, host: '127.0.0.1', 'cache-bytes': 2 * 1024 ** 2, 'access-log': true, 'index-dir': '/tmp/x' })
})

test('an empty env var counts as unset', (t) => {
  const parsed = parseCommandLine(SPECS, [], { TEST_PORT: '', TEST_ACCESS_LOG: '' })
  t.deepEqual(parsed.problems, [])
  t.is(parsed.values.port, 8080)
  t.is(parsed.values['access-log'], false)
})

test('a flag wins over the env var', (t) => {
  const parsed = parseCommandLine(SPECS, ['--port', '1234', '--host=::1', '--no-access-log'], { TEST_PORT: '9000', TEST_HOST: 'example', TEST_ACCESS_LOG: 'true' })
  t.deepEqual(parsed.problems, [])
  t.is(parsed.values.port, 1234)
  t.is(parsed.values.host, '::1')
  t.is(parsed.values['access-log'], false)
})

test('a valid flag hides an invalid env var for the same option', (t) => {
  const parsed = parseCommandLine(SPECS, ['--port', '1'], { TEST_PORT: 'not-a-number' })
  t.deepEqual(parsed.problems, [])
  t.is(parsed.values.port, 1)
})

test('reports every problem at once', (t) => {
  const parsed = parseCommandLine(SPECS, ['--port', 'eighty', '--bogus', '--cache-bytes=12XB', '--access-log=maybe', '--also-bogus=1'], { TEST_HOST: 'h' })
  t.is(parsed.problems.length, 5)
  t.true(parsed.problems.some((p) => p.includes('--port') && p.includes('"eighty"') && p.includes('whole number')))
  t.true(parsed.problems.some((p) => p === 'unknown option --bogus'))
  t.true(parsed.problems.some((p) => p === 'unknown option --also-bogus'))
  t.true(parsed.problems.some((p) => p.includes('--cache-bytes') && p.includes('"12XB"')))
  t.true(parsed.problems.some((p) => p.includes('--access-log') && p.includes('true or false')))
})

test('names the env var in a problem that came from the environment', (t) => {
  const parsed = parseCommandLine(SPECS, [], { TEST_PORT: '70000', TEST_ACCESS_LOG: 'sometimes' })
  t.is(parsed.problems.length, 2)
  t.true(parsed.problems.some((p) => p.startsWith('TEST_PORT=') && p.includes('at most 65535')))
  t.true(parsed.problems.some((p) => p.startsWith('TEST_ACCESS_LOG=')))
})

test('reports an unknown option and a missing value', (t) => {
  const parsed = parseCommandLine(SPECS, ['--nope', 'x', '--port'], {})
  t.deepEqual(parsed.problems, ['unknown option --nope', '--port needs a value'])
  t.deepEqual(parsed.positionals, ['x'])
})

test('checks integer bounds and rejects non-integers', (t) => {
  for (const text of ['-1', '1.5', '1e3', '0x10', 'abc', '', '65536', '1234567890123456']) {
    const parsed = parseCommandLine(SPECS, [`--port=${text}`], {})
    t.is(parsed.problems.length, 1, JSON.stringify(text))
  }
  t.is(parseCommandLine(SPECS, ['--port=0'], {}).values.port, 0)
  t.is(parseCommandLine(SPECS, ['--port=65535'], {}).values.port, 65535)
  t.is(parseCommandLine(SPECS, ['--port', ' 80 '], {}).values.port, 80)
})

test('reads booleans as a bare flag, its no- form, or a word', (t) => {
  t.is(parseCommandLine(SPECS, ['--access-log'], {}).values['access-log'], true)
  t.is(parseCommandLine(SPECS, ['--no-access-log'], { TEST_ACCESS_LOG: '1' }).values['access-log'], false)
  for (const word of ['1', 'true', 'TRUE', 'yes', 'on']) t.is(parseCommandLine(SPECS, [`--access-log=${word}`], {}).values['access-log'], true, word)
  for (const word of ['0', 'false', 'False', 'no', 'off']) t.is(parseCommandLine(SPECS, [], { TEST_ACCESS_LOG: word }).values['access-log'], false, word)
  t.is(parseCommandLine(SPECS, ['--access-log=2'], {}).problems.length, 1)
})

test('a bare boolean flag does not swallow the next argument', (t) => {
  const parsed = parseCommandLine(SPECS, ['--access-log', 'data.txt'], {})
  t.is(parsed.values['access-log'], true)
  t.deepEqual(parsed.positionals, ['data.txt'])
})

test('a negated boolean flag takes no value', (t) => {
  const parsed = parseCommandLine(SPECS, ['--no-access-log=true'], {})
  t.deepEqual(parsed.problems, ['--no-access-log takes no value'])
  t.not(parsed.values['access-log'], true)
})

test('no- is only a negation for boolean options', (t) => {
  t.deepEqual(parseCommandLine(SPECS, ['--no-port'], {}).problems, ['unknown option --no-port'])
})

test('reads sizes with binary and decimal suffixes', (t) => {
  const cases: Array<[string, number]> = [
    ['0', 0], ['65536', 65536], ['1b', 1], ['1k', 1024], ['64KiB', 65536], ['64kb', 64000], ['64 KiB', 65536],
    ['1m', 1024 ** 2], ['1MiB', 1024 ** 2], ['1MB', 1_000_000], ['2g', 2 * 1024 ** 3], ['1GiB', 1024 ** 3], ['1gb', 1e9],
    ['1.5k', 1536], ['0.5MiB', 512 * 1024], [' 7 ', 7]
  ]
  for (const [text, bytes] of cases) {
    t.is(parseBytes(text), bytes, text)
    t.is(parseCommandLine(SPECS, ['--cache-bytes', text], {}).values['cache-bytes'], bytes, `--cache-bytes ${text}`)
  }
})

test('rejects sizes it cannot read', (t) => {
  for (const text of ['', 'k', '-1', '1 2', '12XB', '1TB', '1e3', '0x10', 'MiB1', '1.k', '9999999999999999']) {
    t.is(parseBytes(text), undefined, JSON.stringify(text))
  }
  t.regex(parseCommandLine(SPECS, ['--cache-bytes=lots'], {}).problems[0] ?? '', /expected a size/)
})

test('collects positionals, including everything after --', (t) => {
  const parsed = parseCommandLine(SPECS, ['a', '--port', '1', 'b', '--', '--port', 'c'], {})
  t.deepEqual(parsed.positionals, ['a', 'b', '--port', 'c'])
  t.is(parsed.values.port, 1)
})

test('recognises --help and -h', (t) => {
  t.true(parseCommandLine(SPECS, ['--help'], {}).help)
  t.true(parseCommandLine(SPECS, ['x', '-h'], {}).help)
  t.false(parseCommandLine(SPECS, ['x'], {}).help)
})

test('the parsed result is frozen', (t) => {
  const parsed = parseCommandLine(SPECS, [], {})
  t.true(Object.isFrozen(parsed))
  t.true(Object.isFrozen(parsed.values))
})

test('the help text lists every option with its env var and default', (t) => {
  const help = formatHelp('Usage: thing', SPECS)
  t.true(help.startsWith('Usage: thing\n'))
  for (const spec of SPECS) {
    t.true(help.includes(`--${spec.flag}`), spec.flag)
    t.true(help.includes(`env ${spec.env}`), spec.env)
  }
  t.true(help.includes('(default 8080)'))
  t.true(help.includes('--help'))
})
