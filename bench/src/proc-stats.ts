// Facts about running processes read from /proc: resident memory, CPU time, descendants and
// the fd limit. Linux only; every reader returns 0 / [] when /proc cannot be read.
import { readFileSync, readdirSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100

/** Resident set size in bytes (VmRSS) of one process. */
export function rssBytes (pid: number): number {
  return statusBytes(pid, 'VmRSS')
}

/** The most resident memory one process has had so far, in bytes (VmHWM). */
export function peakRssBytes (pid: number): number {
  return statusBytes(pid, 'VmHWM')
}

function statusBytes (pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match === null ? 0 : Number(match[1]) * 1024
  } catch {
    return 0
  }
}

/** User + system CPU seconds of one process (all its threads, exited ones included). */
export function cpuSeconds (pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`)
}

/** User + system CPU seconds of one thread of a process; the main thread's id is the pid. */
export function threadCpuSeconds (pid: number, tid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${tid}/stat`)
}

function statCpuSeconds (path: string): number {
  try {
    const stat = readFileSync(path, 'utf8')
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/** The process and all its descendants (cluster workers, nginx workers). */
export function processTree (pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    const current = out[i]!
    let tasks: string[] = []
    try { tasks = readdirSync(`/proc/${current}/task`) } catch {}
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim().split(/\s+/)) {
          if (child !== '') out.push(Number(child))
        }
      } catch {}
    }
  }
  return out
}

export function treeRssBytes (pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + rssBytes(p), 0)
}

export function treeCpuSeconds (pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0)
}

/** Soft and hard RLIMIT_NOFILE of this process. */
export function fdLimits (): { soft: number, hard: number } {
  try {
    const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    const value = (s: string | undefined): number => s === 'unlimited' || s === undefined ? Infinity : Number(s)
    return { soft: value(match?.[1]), hard: value(match?.[2]) }
  } catch {
    return { soft: 0, hard: 0 }
  }
}
