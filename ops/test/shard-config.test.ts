// The configs lb/generate-shards.mjs writes: routing read back from the ACLs, and input checks.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generated, runGenerateShards } from '../src/lb-generators.js'
import { REPO_ROOT } from '../src/repo-paths.js'

const SHARDS = [
  { lines: '5000001-10000000', servers: ['10.0.0.3:8080'] },
  { lines: '1-5000000', servers: ['shard-a-1:8080', 'shard-a-2:8080'] },
  { lines: '10000001-12000000', servers: ['shard-c:8080'] }
]
const config = generated(runGenerateShards(SHARDS, ['--bind', '127.0.0.1:18080']))

/**
 * Which backend the generated frontend picks for a path, read from its acl / use_backend /
 * default_backend lines the way HAProxy evaluates them (first matching use_backend wins).
 * `path,field(3,/) -m int` turns the third "/"-separated field into an integer, reading leading
 * digits as HAProxy's str-to-int conversion does.
 */
function route (text: string, path: string): string {
  const acls = new Map<string, (p: string) => boolean>()
  for (const m of text.matchAll(/^ {2}acl (\S+) (.+)$/gm)) {
    const [name, rule] = [m[1]!, m[2]!]
    const range = /^path,field\(3,\/\) -m int (\d+):(\d+)$/.exec(rule)
    if (range !== null) {
      acls.set(name, (p) => {
        const digits = /^\d+/.exec(p.split('/')[2] ?? '')?.[0]
        return digits !== undefined && Number(digits) >= Number(range[1]) && Number(digits) <= Number(range[2])
      })
    } else if (rule === 'path_beg /lines/') {
      acls.set(name, (p) => p.startsWith('/lines/'))
    } else {
      throw new Error(`the model does not know the rule ${rule}`)
    }
  }
  for (const m of text.matchAll(/^ {2}use_backend (\S+) if (.+)$/gm)) {
    if (m[2]!.split(' ').every((acl) => acls.get(acl)!(path))) return m[1]!
  }
  return /^ {2}default_backend (\S+)$/m.exec(text)![1]!
}

test('routes each line to the backend of the shard that owns it', (t) => {
  const expected: Array<[string, string]> = [
    ['/lines/1', 'shard_1_5000000'],
    ['/lines/5000000', 'shard_1_5000000'],
    ['/lines/0005000000', 'shard_1_5000000'],
    ['/lines/5000001', 'shard_5000001_10000000'],
    ['/lines/10000000', 'shard_5000001_10000000'],
    ['/lines/10000001', 'shard_10000001_12000000'],
    ['/lines/12000000', 'shard_10000001_12000000']
  ]
  for (const [path, backend] of expected) t.is(route(config, path), backend, path)
})

test('lines past the last shard and paths that are not line numbers go to the last shard', (t) => {
  for (const path of ['/lines/12000001', '/lines/99999999999', '/lines/abc', '/lines/0', '/lines/', '/healthz', '/metrics']) {
    t.is(route(config, path), 'shard_10000001_12000000', path)
  }
})

test('each shard backend holds its own servers and checks /readyz', (t) => {
  const backend = (name: string): string => config.slice(config.indexOf(`\nbackend ${name}\n`) + 1).split('\n\n')[0]!
  t.regex(backend('shard_1_5000000'), /server shard-a-1 shard-a-1:8080 check\n {2}server shard-a-2 shard-a-2:8080 check$/)
  t.regex(backend('shard_5000001_10000000'), /server s1 10\.0\.0\.3:8080 check$/)
  for (const name of ['shard_1_5000000', 'shard_5000001_10000000', 'shard_10000001_12000000']) {
    t.regex(backend(name), /http-check send meth GET uri \/readyz/)
  }
  t.regex(config, /^ {2}bind 127\.0\.0\.1:18080$/m)
})

test('the shard order in the file does not change the config', (t) => {
  t.is(generated(runGenerateShards([...SHARDS].reverse(), ['--bind', '127.0.0.1:18080'])), config)
})

test('a single shard needs no routing rules', (t) => {
  const text = generated(runGenerateShards([{ lines: '1-100', servers: ['127.0.0.1:1'] }], ['--bind', '127.0.0.1:2']))
  t.false(text.includes('use_backend'))
  t.is(route(text, '/lines/50'), 'shard_1_100')
  t.is(route(text, '/lines/500'), 'shard_1_100')
})

test('rejects gaps, overlaps, bad ranges and empty server lists, reporting every problem', (t) => {
  const result = runGenerateShards([
    { lines: '2-10', servers: ['a:1'] },
    { lines: '8-20', servers: [] },
    { lines: '30-25', servers: ['b:1'] },
    { lines: 'all', servers: ['c:1'] },
    { lines: '21-24', servers: ['not an address'] }
  ])
  t.is(result.code, 2)
  for (const problem of [
    'lines 1-1 belong to no shard',
    'range 8-20 overlaps the range before it (which ends at 10)',
    'shard 2: "servers" must be a non-empty array',
    'shard 3: range 30-25 must satisfy 1 <= A <= B',
    'shard 4: "lines" must look like "1-5000000", got "all"',
    'server must be host:port, got "not an address"'
  ]) t.true(result.stderr.includes(problem), `missing "${problem}" in:\n${result.stderr}`)
  t.is(runGenerateShards([]).code, 2)
  t.is(runGenerateShards({ lines: '1-2' }).code, 2)
})

test('the example shard list in lb/ is valid', (t) => {
  const shards = JSON.parse(readFileSync(join(REPO_ROOT, 'lb', 'shards.example.json'), 'utf8')) as unknown
  t.notThrows(() => generated(runGenerateShards(shards, ['--docker-dns'])))
})
