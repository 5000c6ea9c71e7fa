// Just enough Dockerfile and .dockerignore reading for the ops tests: stages, the HEALTHCHECK
// command, and whether a path is left out of the build context.

export interface DockerfileStage { readonly from: string, readonly text: string }

export function dockerfileStages (dockerfile: string): DockerfileStage[] {
  const parts = dockerfile.split(/^FROM /m).slice(1)
  return parts.map((part) => ({ from: part.split('\n')[0]!.trim(), text: `FROM ${part}` }))
}

/** The exec-form HEALTHCHECK CMD as an argv array (continuation lines joined). */
export function healthcheckCommand (dockerfile: string): string[] {
  const joined = dockerfile.replace(/\\\n/g, ' ')
  const match = /^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(joined)
  if (match === null) throw new Error('no exec-form HEALTHCHECK CMD in the Dockerfile')
  return JSON.parse(match[1]!) as string[]
}

/**
 * Whether `.dockerignore` patterns leave `path` out of the context: the last matching pattern
 * wins, `!` re-includes, `**` spans directories, and a pattern also covers what is under a
 * matched directory.
 */
export function ignoredBy (patterns: readonly string[], path: string): boolean {
  let ignored = false
  for (const raw of patterns) {
    const negated = raw.startsWith('!')
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '')
    const source = pattern.split('**').map((part) => part.split('*').map(escape).join('[^/]*')).join('.*')
    if (new RegExp(`^${source.replace(/\.\*\//g, '(.*/)?')}(/.*)?$`).test(path)) ignored = !negated
  }
  return ignored
}

function escape (text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
}
