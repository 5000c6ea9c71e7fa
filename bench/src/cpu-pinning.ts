// Holds a child process to some CPUs with taskset (util-linux), so a benchmark can keep the server
// and the load generator off each other's cores.

/** `command` (file and arguments) held to `cpuList` (as `taskset -c` takes it) when one is given. */
export function onCpus (command: readonly string[], cpuList: string | undefined): string[] {
  return cpuList === undefined ? [...command] : ['taskset', '-c', cpuList, ...command]
}
