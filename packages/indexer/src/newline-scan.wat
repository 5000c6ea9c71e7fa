;; Finds the n-th newline in a byte range of linear memory, 16 bytes per step with SIMD.
;; The indexer reads each chunk of the data file straight into this memory and asks for the
;; next checkpoint's newline, so there is one call per checkpoint, not one per line.
(module
  (memory (export "memory") 1)
  ;; Newlines seen by the last call that did not find its target.
  (global $found (export "found") (mut i32) (i32.const 0))

  ;; Position of the `need`-th newline (need >= 1) in [start, end), or -1 when the range holds
  ;; fewer; then `found` says how many it holds.
  (func (export "findNthNewline") (param $start i32) (param $end i32) (param $need i32) (result i32)
    (local $pos i32) (local $mask i32) (local $count i32) (local $total i32) (local $newlines v128)
    (local.set $newlines (i8x16.splat (i32.const 10)))
    (local.set $pos (local.get $start))
    (block $tail
      (loop $vectors
        (br_if $tail (i32.gt_u (i32.add (local.get $pos) (i32.const 16)) (local.get $end)))
        (local.set $mask (i8x16.bitmask (i8x16.eq (v128.load (local.get $pos)) (local.get $newlines))))
        (local.set $count (i32.popcnt (local.get $mask)))
        (if (i32.ge_u (local.get $count) (local.get $need))
          (then
            ;; Clear the lowest set bits until the need-th is the lowest.
            (block $done
              (loop $clear
                (br_if $done (i32.le_u (local.get $need) (i32.const 1)))
                (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
                (local.set $need (i32.sub (local.get $need) (i32.const 1)))
                (br $clear)))
            (return (i32.add (local.get $pos) (i32.ctz (local.get $mask))))))
        (local.set $need (i32.sub (local.get $need) (local.get $count)))
        (local.set $total (i32.add (local.get $total) (local.get $count)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 16)))
        (br $vectors)))
    (block $none
      (loop $bytes
        (br_if $none (i32.ge_u (local.get $pos) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $pos)) (i32.const 10))
          (then
            (if (i32.eq (local.get $need) (i32.const 1)) (then (return (local.get $pos))))
            (local.set $need (i32.sub (local.get $need) (i32.const 1)))
            (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $bytes)))
    (global.set $found (local.get $total))
    (i32.const -1))
)
