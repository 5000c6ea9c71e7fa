# Sourced by the bench's shell scripts: the checks and look-ups they all start with.

# Exits 2 unless the data file exists.
require_data_file () {
  [ -f "$1" ] || { echo "no data file $1 (pnpm bench --quick generates bench/.data files)" >&2; exit 2; }
}

# Exits 2 naming the first of the given commands that is not installed.
require_tools () {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $tool)" >&2; exit 2; }
  done
}

# Lines in a data file: from the generator's .json beside it, else counted.
data_line_count () {
  node -p "JSON.parse(require('fs').readFileSync('$1.json', 'utf8')).lines" 2>/dev/null || wc -l < "$1"
}

# Writes the ladder's wrk script (random lines, seeded per round; from bench's build) into a
# directory and prints its path.
random_lines_lua () {
  node --input-type=module -e "
    const { writeRandomLinesScript } = await import('./bench/dist/src/ladder/random-lines-lua.js')
    console.log(writeRandomLinesScript(process.argv[1]))" "$1"
}

# Waits up to $2 seconds for a 2xx answer from URL $1; says so on stderr and fails if none came.
# Given the server's pid as $3, fails as soon as that process has exited (e.g. on a bad option)
# instead of waiting out the time.
wait_for_http () {
  for _ in $(seq $(( $2 * 10 ))); do
    curl -sf -o /dev/null "$1" && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then echo "process $3 exited before $1 answered" >&2; return 1; fi
    sleep 0.1
  done
  echo "no answer from $1 within $2 s" >&2
  return 1
}

# Exits 2 unless every value after the first argument (the options' names, for the message) is a
# positive integer.
require_positive_integers () {
  local names=$1 number
  shift
  for number in "$@"; do
    [[ "$number" =~ ^[1-9][0-9]*$ ]] || { echo "$names take positive integers, not $number" >&2; exit 2; }
  done
}

# A TCP port that was free a moment ago.
free_port () {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"
}

# Parses the options a script allows into shell variables of the same name ("--pin" a flag that
# sets pin=true, the others "--name value") and one more argument into $data. Exits 2 on an
# option it does not allow or one missing its value.
#   parse_options "pin rounds seconds" "$@"
parse_options () {
  local allowed=" $1 " name
  shift
  while [ $# -gt 0 ]; do
    name=${1#--}
    name=${name//-/_} # --against-options sets $against_options
    case "$1" in
      --pin)
        [[ "$allowed" == *" pin "* ]] || { echo "unknown option $1" >&2; exit 2; }
        pin=true ;;
      --*)
        [[ "$allowed" == *" $name "* ]] || { echo "unknown option $1" >&2; exit 2; }
        [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
        printf -v "$name" '%s' "$2"
        shift ;;
      -*) echo "unknown option $1" >&2; exit 2 ;;
      *) data=$1 ;;
    esac
    shift
  done
}

# For scripts that run one server at a time on $data: a scratch directory removed on exit, with
# the server whose pid is in $server (if any) killed first; the line count $lines, the wrk script
# $lua and a free $port.
prepare_server_run () {
  scratch=$(mktemp -d)
  server=""
  trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$scratch"' EXIT
  lines=$(data_line_count "$data")
  lua=$(random_lines_lua "$scratch")
  port=$(free_port)
}
