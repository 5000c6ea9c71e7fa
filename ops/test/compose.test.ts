// docker-compose.yml against the Compose Specification schema, and against the Prometheus and
// HAProxy configs that must list the same replicas.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeSchemaErrors, readComposeFile, serviceEnvironment, type ComposeService } from '../src/compose-schema.js'
import { readPrometheusConfig, scrapeTargets } from '../src/prometheus-config.js'
import { COMPOSE_FILE, HAPROXY_COMPOSE_CONFIG, PROMETHEUS_CONFIG, REPO_ROOT } from '../src/repo-paths.js'

const compose = readComposeFile(COMPOSE_FILE)
const replicas = Object.keys(compose.services).filter((name) => /^line-server-\d+$/.test(name))

test('docker-compose.yml is valid against the compose specification schema', (t) => {
  t.deepEqual(composeSchemaErrors(compose), [])
})

test('the schema check rejects a broken compose file', (t) => {
  const broken = structuredClone(compose)
  broken.services.lb!.ports = ['8080:http']
  broken.services.lb!.restrat = 'always'
  const errors = composeSchemaErrors(broken)
  t.true(errors.some((e) => e.includes('/services/lb/ports/0')), errors.join('\n'))
  t.true(errors.some((e) => e.includes('restrat')), errors.join('\n'))
})

test('runs at least two replicas, a balancer, prometheus and grafana', (t) => {
  t.true(replicas.length >= 2)
  for (const name of ['indexer', 'lb', 'prometheus', 'grafana']) t.truthy(compose.services[name], name)
  t.truthy(compose.volumes?.index)
})

test('every replica and the indexer mount the data file read-only and keep the index in the volume', (t) => {
  for (const name of ['indexer', ...replicas]) {
    const service: ComposeService = compose.services[name]!
    const indexDir = serviceEnvironment(service).get('LINE_SERVER_INDEX_DIR')
    t.is(indexDir, '/var/lib/line-server/index', name)
    const mounts = (service.volumes ?? []).filter((v) => typeof v === 'object')
    t.like(mounts.find((m) => m.target === '/data/file.txt'), { type: 'bind', read_only: true }, name)
    t.like(mounts.find((m) => m.target === indexDir), { type: 'volume', source: 'index' }, name)
    t.is(service.image, 'line-server:local', name)
  }
})

test('replicas start once the indexer has built the index and serve the mounted file', (t) => {
  t.deepEqual(compose.services.indexer!.command, ['index', '/data/file.txt'])
  for (const name of replicas) {
    const service = compose.services[name]!
    t.deepEqual(service.command, ['serve', '/data/file.txt'], name)
    t.deepEqual(service.depends_on, { indexer: { condition: 'service_completed_successfully' } }, name)
  }
})

test('prometheus scrapes every replica and the balancer', (t) => {
  const targets = scrapeTargets(readPrometheusConfig(PROMETHEUS_CONFIG))
  t.deepEqual(targets.get('line-server'), replicas.map((name) => `${name}:8080`))
  t.deepEqual(targets.get('haproxy'), ['lb:8404'])
})

test('the balancer config sends to every replica', (t) => {
  const servers = [...readFileSync(HAPROXY_COMPOSE_CONFIG, 'utf8').matchAll(/^\s*server (\S+) (\S+)/gm)].map((m) => m[2])
  t.deepEqual(servers, replicas.map((name) => `${name}:8080`))
})

test('every file compose mounts from the repository exists', (t) => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : volume.source ?? ''
      if (!source.startsWith('./')) continue
      t.true(existsSync(join(REPO_ROOT, source)), `${name} mounts ${source}, which does not exist`)
    }
  }
})

// `docker compose` needs the compose plugin; the Debian machines here have the docker CLI only.
const composePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0
const composeConfigTitle = 'docker compose config accepts the file'
;(composePlugin ? test : test.skip)(composePlugin ? composeConfigTitle : `${composeConfigTitle} (skipped: the docker CLI here has no compose plugin)`, (t) => {
  const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, LINE_SERVER_DATA_FILE: COMPOSE_FILE }
  })
  t.is(result.status, 0, result.stderr)
})
