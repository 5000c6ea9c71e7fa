// `haproxy -c` (the Debian binary) on every kind of config the generators write.
import test, { type ExecutionContext } from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generated, runGenerateHaproxy, runGenerateShards } from '../src/lb-generators.js'
import { HAPROXY_COMPOSE_CONFIG, REPO_ROOT } from '../src/repo-paths.js'
import { ensurePackages } from '../src/system-packages.js'

test.before(async () => { await ensurePackages('haproxy') })

function check (t: ExecutionContext, name: string, text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'ops-haproxy-check-'))
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), text)
    const result = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' })
    t.is(result.status, 0, `${name}:\n${result.stdout}${result.stderr}`)
    t.regex(result.stdout + result.stderr, /Configuration file is valid/, name)
    // Compose names do not resolve outside Docker; any other warning is a mistake in the config.
    const warnings = (result.stdout + result.stderr).split('\n').filter((l) => l.includes('[WARNING]') && !l.includes('could not resolve address'))
    t.deepEqual(warnings, [], name)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('haproxy accepts the compose config', (t) => {
  check(t, 'lb/haproxy.cfg', readFileSync(HAPROXY_COMPOSE_CONFIG, 'utf8'))
})

test('haproxy accepts a loopback config with debug headers', (t) => {
  check(t, 'loopback', generated(runGenerateHaproxy(['--bind', '127.0.0.1:18080', '--stats', '127.0.0.1:18404', '--server', '127.0.0.1:9001', '--server', '127.0.0.1:9002', '--debug-headers'])))
})

test('haproxy accepts the shard configs', (t) => {
  const example = JSON.parse(readFileSync(join(REPO_ROOT, 'lb', 'shards.example.json'), 'utf8')) as unknown
  check(t, 'shards.example.json with docker dns', generated(runGenerateShards(example, ['--docker-dns', '--stats', '0.0.0.0:8404'])))
  check(t, 'one shard', generated(runGenerateShards([{ lines: '1-10', servers: ['127.0.0.1:9001'] }], ['--bind', '127.0.0.1:18080'])))
})
