;; Finds the n-th newline in a byte range of linear memory with SIMD. The indexer reads each
;; chunk of the data file straight into this memory and asks for the next checkpoint's newline,
;; so there is one call per checkpoint, not one per line.
(module
  (memory (export "memory") 1)
  ;; Newlines seen by the last call that did not find its target.
  (global $found (export "found") (mut i32) (i32.const 0))

  ;; Position of the `need`-th newline (need >= 1) in [start, end), or -1 when the range holds
  ;; fewer; then `found` says how many it holds.
  (func (export "findNthNewline") (param $start i32) (param $end i32) (param $need i32) (result i32)
    (local $pos i32) (local $stop i32) (local $mask i32) (local $count i32) (local $total i32) (local $newlines v128)
    (local.set $newlines (i8x16.splat (i32.const 10)))
    (local.set $pos (local.get $start))
    ;; 64-byte blocks: one test skips a block without newlines (long lines cost little);
    ;; a block with one is counted 16 bytes at a time.
    (block $blocks
      (loop $block
        (br_if $blocks (i32.gt_u (i32.add (local.get $pos) (i32.const 64)) (local.get $end)))
        (if (i32.eqz (v128.any_true (v128.or
              (v128.or (i8x16.eq (v128.load (local.get $pos)) (local.get $newlines))
                       (i8x16.eq (v128.load offset=16 (local.get $pos)) (local.get $newlines)))
              (v128.or (i8x16.eq (v128.load offset=32 (local.get $pos)) (local.get $newlines))
                       (i8x16.eq (v128.load offset=48 (local.get $pos)) (local.get $newlines))))))
          (then
            (local.set $pos (i32.add (local.get $pos) (i32.const 64)))
            (br $block)))
        (local.set $stop (i32.add (local.get $pos) (i32.const 64)))
        (loop $vectors
          (local.set $mask (i8x16.bitmask (i8x16.eq (v128.load (local.get $pos)) (local.get $newlines))))
          (local.set $count (i32.popcnt (local.get $mask)))
          (if (i32.ge_u (local.get $count) (local.get $need))
            (then (return (i32.add (local.get $pos) (call $nthBit (local.get $mask) (local.get $need))))))
          (local.set $need (i32.sub (local.get $need) (local.get $count)))
          (local.set $total (i32.add (local.get $total) (local.get $count)))
          (local.set $pos (i32.add (local.get $pos) (i32.const 16)))
          (br_if $vectors (i32.lt_u (local.get $pos) (local.get $stop))))
        (br $block)))
    ;; Fewer than 64 bytes left: 16 at a time, then byte by byte.
    (block $vectorsDone
      (loop $tailVectors
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $pos) (i32.const 16)) (local.get $end)))
        (local.set $mask (i8x16.bitmask (i8x16.eq (v128.load (local.get $pos)) (local.get $newlines))))
        (local.set $count (i32.popcnt (local.get $mask)))
        (if (i32.ge_u (local.get $count) (local.get $need))
          (then (return (i32.add (local.get $pos) (call $nthBit (local.get $mask) (local.get $need))))))
        (local.set $need (i32.sub (local.get $need) (local.get $count)))
        (local.set $total (i32.add (local.get $total) (local.get $count)))
        (local.set $pos (i32.add (local.get $pos) (i32.const 16)))
        (br $tailVectors)))
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

  ;; Index of the n-th set bit (n >= 1, and mask has at least n): clear the lowest n-1, then ctz.
  (func $nthBit (param $mask i32) (param $n i32) (result i32)
    (block $done
      (loop $clear
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $clear)))
    (i32.ctz (local.get $mask)))
)
