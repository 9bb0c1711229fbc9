;; B1w: the per-call translate of B1b (libs/iotlb Iotlb.translate over a libs/pgtable VT-d
;; second-stage 4-level table) in WebAssembly, over the same table bytes.
;;
;; Memory (imported, shared so that a worker thread's instance reads the same bytes):
;;   [pool, pool + poolBytes)   the table pool: a byte copy of PhysicalMemory.words (little-endian
;;                              64-bit descriptors; table frame `pfn` at pool + (pfn - tableBasePfn) * 4096)
;;   [tlb, tlb + 32 * capacity) this instance's IOTLB: 4 x i64 per entry
;;                              [base iova frame, tag, base pa frame, meta], meta = pageShift |
;;                              perm << 8 | stamp << 16 (0 = invalid), as libs/iotlb's Float64Array
;;   anywhere else              streams of frames (f64, as B1b's Float64Array streams)
;;
;; Same policy as libs/iotlb: set = (low 32 bits of the frame) ^ tagHash(tag) masked, preferred
;; way from the hash bits above the set index, a new entry takes its preferred way and the entry
;; there moves to a free way or the way of the set's oldest entry (smallest meta), which is
;; evicted. The walk is libs/pgtable's walkVtd4: present = R|W, PS at the SL-PDPE and SL-PDE,
;; perm = AND of every level's R/W, a table pointer outside the pool is not present. This IOTLB
;; caches 4 KiB leaves only: a walk ending in a larger leaf makes translate return -2 (the bench
;; stops; B1's table has 4 KiB leaves only). So the entries, slots and counters must end equal
;; to the JS IOTLB's after the same stream, which the bench checks.
;;
;; V8 (Node 20) does not inline wasm calls unless --wasm-inlining is given: translate carries its
;; own copy of the walk (1.2-1.5x faster per call than calling $walk, measured); $walk is the
;; walk-only loop's.
(module
  (import "env" "mem" (memory 1 65536 shared))

  (global $pool (mut i32) (i32.const 0))
  (global $poolBytes (mut i64) (i64.const 0))
  (global $baseBytes (mut i64) (i64.const 0))
  (global $rootOff (mut i32) (i32.const 0))
  (global $limitPfn (mut f64) (f64.const 0))
  (global $tlb (mut i32) (i32.const 0))
  (global $setMask (mut i32) (i32.const 0))
  (global $setBits (mut i32) (i32.const 0))
  (global $wayMask (mut i32) (i32.const 0))
  (global $stride (mut i32) (i32.const 0))
  (global $tag (mut i64) (i64.const 0))
  (global $th (mut i32) (i32.const 0))
  (global $stamp (mut i64) (i64.const 0))
  ;; counters (libs/iotlb IotlbStats names)
  (global $hits (mut i64) (i64.const 0))
  (global $misses (mut i64) (i64.const 0))
  (global $inserts (mut i64) (i64.const 0))
  (global $evictions (mut i64) (i64.const 0))
  (global $walks (mut i64) (i64.const 0))
  (global $walkFaults (mut i64) (i64.const 0))
  (global $walkMemRefs (mut i64) (i64.const 0))
  (global $valid (mut i64) (i64.const 0))
  ;; the last walk's result
  (global $wPa (mut i64) (i64.const 0))
  (global $wShift (mut i32) (i32.const 0))
  (global $wPerm (mut i32) (i32.const 0))
  (global $wRefs (mut i32) (i32.const 0))

  ;; descriptor bits 51:12 (VT-d second-stage address field)
  (global $ADDR i64 (i64.const 0x000ffffffffff000))
  ;; meta stamps stay below 2^37 (libs/iotlb MAX_STAMP)
  (global $MAX_STAMP i64 (i64.const 0x1fffffffff))

  ;; pool: byte offset of the pool; poolBytes its size; tableBasePfn, rootPfn: as PhysicalMemory /
  ;; PageTable give them; limitPfn: 2^(inputBits - 12); tlb: byte offset of this instance's IOTLB
  ;; (sets * ways entries of 32 bytes, zeroed here); tag and th = tagHash(tag) as libs/iotlb.
  (func (export "init") (param $p i32) (param $pb f64) (param $basePfn f64) (param $rootPfn f64)
        (param $lim f64) (param $t i32) (param $sets i32) (param $ways i32) (param $tg f64) (param $h i32)
    (local $i i32) (local $end i32)
    (global.set $pool (local.get $p))
    (global.set $poolBytes (i64.trunc_f64_u (local.get $pb)))
    (global.set $baseBytes (i64.shl (i64.trunc_f64_u (local.get $basePfn)) (i64.const 12)))
    (global.set $rootOff (i32.wrap_i64 (i64.shl (i64.trunc_f64_u (f64.sub (local.get $rootPfn) (local.get $basePfn))) (i64.const 12))))
    (global.set $limitPfn (local.get $lim))
    (global.set $tlb (local.get $t))
    (global.set $setMask (i32.sub (local.get $sets) (i32.const 1)))
    (global.set $setBits (i32.ctz (local.get $sets)))
    (global.set $wayMask (i32.sub (local.get $ways) (i32.const 1)))
    (global.set $stride (i32.shl (local.get $ways) (i32.const 5)))
    (global.set $tag (i64.trunc_f64_u (local.get $tg)))
    (global.set $th (local.get $h))
    (global.set $stamp (i64.const 0))
    (global.set $hits (i64.const 0))
    (global.set $misses (i64.const 0))
    (global.set $inserts (i64.const 0))
    (global.set $evictions (i64.const 0))
    (global.set $walks (i64.const 0))
    (global.set $walkFaults (i64.const 0))
    (global.set $walkMemRefs (i64.const 0))
    (global.set $valid (i64.const 0))
    (local.set $i (local.get $t))
    (local.set $end (i32.add (local.get $t) (i32.mul (local.get $sets) (global.get $stride))))
    (block $done
      (loop $z
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (i64.store (local.get $i) (i64.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $z))))

  ;; byte address of the table a non-leaf descriptor points to, or -1 when outside the pool
  (func $next (param $d i64) (result i32)
    (local $off i64)
    (local.set $off (i64.sub (i64.and (local.get $d) (global.get $ADDR)) (global.get $baseBytes)))
    (if (result i32) (i64.lt_u (local.get $off) (global.get $poolBytes))
      (then (i32.add (global.get $pool) (i32.wrap_i64 (local.get $off))))
      (else (i32.const -1))))

  ;; walkVtd4 of frame $v (already range-checked): 1 with $wPa/$wShift/$wPerm/$wRefs set, or 0
  ;; ($wRefs = descriptors read)
  (func $walk (param $v i64) (result i32)
    (local $lvl i32) (local $p i32) (local $d i64) (local $perm i64)
    (local.set $lvl (i32.const 0))
    (local.set $d (i64.load (i32.add (i32.add (global.get $pool) (global.get $rootOff))
      (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 27)) (i64.const 511))) (i32.const 3)))))
    (local.set $perm (local.get $d))
    (block $miss
      (br_if $miss (i64.eqz (i64.and (local.get $d) (i64.const 3))))
      ;; SL-PDPE: frame bits 26:18
      (local.set $lvl (i32.const 1))
      (local.set $p (call $next (local.get $d)))
      (br_if $miss (i32.eq (local.get $p) (i32.const -1)))
      (local.set $d (i64.load (i32.add (local.get $p)
        (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 18)) (i64.const 511))) (i32.const 3)))))
      (br_if $miss (i64.eqz (i64.and (local.get $d) (i64.const 3))))
      (local.set $perm (i64.and (local.get $perm) (local.get $d)))
      (if (i64.eqz (i64.and (local.get $d) (i64.const 0x80)))
        (then
          ;; SL-PDE: frame bits 17:9
          (local.set $lvl (i32.const 2))
          (local.set $p (call $next (local.get $d)))
          (br_if $miss (i32.eq (local.get $p) (i32.const -1)))
          (local.set $d (i64.load (i32.add (local.get $p)
            (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 9)) (i64.const 511))) (i32.const 3)))))
          (br_if $miss (i64.eqz (i64.and (local.get $d) (i64.const 3))))
          (local.set $perm (i64.and (local.get $perm) (local.get $d)))
          (if (i64.eqz (i64.and (local.get $d) (i64.const 0x80)))
            (then
              ;; SL-PTE: frame bits 8:0
              (local.set $lvl (i32.const 3))
              (local.set $p (call $next (local.get $d)))
              (br_if $miss (i32.eq (local.get $p) (i32.const -1)))
              (local.set $d (i64.load (i32.add (local.get $p)
                (i32.shl (i32.wrap_i64 (i64.and (local.get $v) (i64.const 511))) (i32.const 3)))))
              (br_if $miss (i64.eqz (i64.and (local.get $d) (i64.const 3))))
              (local.set $perm (i64.and (local.get $perm) (local.get $d)))))))
      ;; the leaf at level index lvl covers 2^(27 - 9 lvl) frames
      (global.set $wPa (i64.add (i64.shr_u (i64.and (local.get $d) (global.get $ADDR)) (i64.const 12))
        (i64.and (local.get $v)
          (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 27) (i32.mul (local.get $lvl) (i32.const 9))))) (i64.const 1)))))
      (global.set $wShift (i32.sub (i32.const 39) (i32.mul (local.get $lvl) (i32.const 9))))
      (global.set $wPerm (i32.and (i32.wrap_i64 (local.get $perm)) (i32.const 3)))
      (global.set $wRefs (i32.add (local.get $lvl) (i32.const 1)))
      (return (i32.const 1)))
    (global.set $wRefs (i32.add (local.get $lvl) (i32.const 1)))
    (global.set $wPerm (i32.const 0))
    (i32.const 0))

  ;; a new 4 KiB entry (not present) at its preferred way of the set of hash $h (libs/iotlb place)
  (func $place (param $h i32) (param $v i64) (param $pa i64) (param $perm i32)
    (local $start i32) (local $p i32) (local $end i32) (local $dst i32) (local $j i32)
    (local $oldest i64) (local $mj i64)
    (local.set $start (i32.add (global.get $tlb) (i32.mul (i32.and (local.get $h) (global.get $setMask)) (global.get $stride))))
    (local.set $p (i32.add (local.get $start)
      (i32.shl (i32.and (i32.shr_u (local.get $h) (global.get $setBits)) (global.get $wayMask)) (i32.const 5))))
    (if (i64.eqz (i64.load offset=24 (local.get $p)))
      (then (global.set $valid (i64.add (global.get $valid) (i64.const 1))))
      (else
        (local.set $end (i32.add (local.get $start) (global.get $stride)))
        (local.set $dst (local.get $start))
        (local.set $oldest (i64.load offset=24 (local.get $start)))
        (local.set $j (i32.add (local.get $start) (i32.const 32)))
        (block $done
          (loop $scan
            (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
            (local.set $mj (i64.load offset=24 (local.get $j)))
            (if (i64.lt_u (local.get $mj) (local.get $oldest))
              (then (local.set $oldest (local.get $mj)) (local.set $dst (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $scan)))
        (if (i64.eqz (local.get $oldest))
          (then (global.set $valid (i64.add (global.get $valid) (i64.const 1))))
          (else (global.set $evictions (i64.add (global.get $evictions) (i64.const 1)))))
        (i64.store (local.get $dst) (i64.load (local.get $p)))
        (i64.store offset=8 (local.get $dst) (i64.load offset=8 (local.get $p)))
        (i64.store offset=16 (local.get $dst) (i64.load offset=16 (local.get $p)))
        (i64.store offset=24 (local.get $dst) (i64.load offset=24 (local.get $p)))))
    (if (i64.ge_u (global.get $stamp) (global.get $MAX_STAMP)) (then (unreachable)))
    (global.set $stamp (i64.add (global.get $stamp) (i64.const 1)))
    (i64.store (local.get $p) (local.get $v))
    (i64.store offset=8 (local.get $p) (global.get $tag))
    (i64.store offset=16 (local.get $p) (local.get $pa))
    (i64.store offset=24 (local.get $p)
      (i64.or (i64.or (i64.const 12) (i64.shl (i64.extend_i32_u (local.get $perm)) (i64.const 8)))
        (i64.shl (global.get $stamp) (i64.const 16))))
    (global.set $inserts (i64.add (global.get $inserts) (i64.const 1))))

  ;; Iotlb.translate for this instance's tag: the target frame, -1 when the walk fails, -2 when it
  ;; ends in a leaf larger than 4 KiB (not cached here)
  (func $translate (export "translate") (param $pfn f64) (result f64)
    (local $v i64) (local $h i32) (local $start i32) (local $p i32) (local $end i32)
    (local $lvl i32) (local $d i64) (local $perm i64) (local $off i64) (local $pa i64)
    (if (i32.eqz (i32.and (f64.ge (local.get $pfn) (f64.const 0)) (f64.lt (local.get $pfn) (global.get $limitPfn))))
      (then
        (global.set $misses (i64.add (global.get $misses) (i64.const 1)))
        (global.set $walks (i64.add (global.get $walks) (i64.const 1)))
        (global.set $walkFaults (i64.add (global.get $walkFaults) (i64.const 1)))
        (return (f64.const -1))))
    (local.set $v (i64.trunc_f64_u (local.get $pfn)))
    (local.set $h (i32.xor (i32.wrap_i64 (local.get $v)) (global.get $th)))
    (local.set $start (i32.add (global.get $tlb) (i32.mul (i32.and (local.get $h) (global.get $setMask)) (global.get $stride))))
    (local.set $p (i32.add (local.get $start)
      (i32.shl (i32.and (i32.shr_u (local.get $h) (global.get $setBits)) (global.get $wayMask)) (i32.const 5))))
    (block $miss
      (block $hit
        (br_if $hit (i32.and
          (i32.and (i64.eq (i64.load (local.get $p)) (local.get $v)) (i64.eq (i64.load offset=8 (local.get $p)) (global.get $tag)))
          (i64.eq (i64.and (i64.load offset=24 (local.get $p)) (i64.const 0xff)) (i64.const 12))))
        (local.set $p (local.get $start))
        (local.set $end (i32.add (local.get $start) (global.get $stride)))
        (loop $scan
          (br_if $miss (i32.ge_u (local.get $p) (local.get $end)))
          (br_if $hit (i32.and
            (i32.and (i64.eq (i64.load (local.get $p)) (local.get $v)) (i64.eq (i64.load offset=8 (local.get $p)) (global.get $tag)))
            (i64.eq (i64.and (i64.load offset=24 (local.get $p)) (i64.const 0xff)) (i64.const 12))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br $scan)))
      (global.set $hits (i64.add (global.get $hits) (i64.const 1)))
      (return (f64.convert_i64_u (i64.load offset=16 (local.get $p)))))
    (global.set $misses (i64.add (global.get $misses) (i64.const 1)))
    (global.set $walks (i64.add (global.get $walks) (i64.const 1)))
    ;; the walk ($walk, inline: V8 does not inline wasm calls by default)
    (local.set $lvl (i32.const 0))
    (local.set $d (i64.load (i32.add (i32.add (global.get $pool) (global.get $rootOff))
      (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 27)) (i64.const 511))) (i32.const 3)))))
    (local.set $perm (local.get $d))
    (block $fault
      (br_if $fault (i64.eqz (i64.and (local.get $d) (i64.const 3))))
      (local.set $lvl (i32.const 1))
      (local.set $off (i64.sub (i64.and (local.get $d) (global.get $ADDR)) (global.get $baseBytes)))
      (br_if $fault (i64.ge_u (local.get $off) (global.get $poolBytes)))
      (local.set $d (i64.load (i32.add (i32.add (global.get $pool) (i32.wrap_i64 (local.get $off)))
        (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 18)) (i64.const 511))) (i32.const 3)))))
      (br_if $fault (i64.eqz (i64.and (local.get $d) (i64.const 3))))
      (local.set $perm (i64.and (local.get $perm) (local.get $d)))
      (if (i64.eqz (i64.and (local.get $d) (i64.const 0x80)))
        (then
          (local.set $lvl (i32.const 2))
          (local.set $off (i64.sub (i64.and (local.get $d) (global.get $ADDR)) (global.get $baseBytes)))
          (br_if $fault (i64.ge_u (local.get $off) (global.get $poolBytes)))
          (local.set $d (i64.load (i32.add (i32.add (global.get $pool) (i32.wrap_i64 (local.get $off)))
            (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 9)) (i64.const 511))) (i32.const 3)))))
          (br_if $fault (i64.eqz (i64.and (local.get $d) (i64.const 3))))
          (local.set $perm (i64.and (local.get $perm) (local.get $d)))
          (if (i64.eqz (i64.and (local.get $d) (i64.const 0x80)))
            (then
              (local.set $lvl (i32.const 3))
              (local.set $off (i64.sub (i64.and (local.get $d) (global.get $ADDR)) (global.get $baseBytes)))
              (br_if $fault (i64.ge_u (local.get $off) (global.get $poolBytes)))
              (local.set $d (i64.load (i32.add (i32.add (global.get $pool) (i32.wrap_i64 (local.get $off)))
                (i32.shl (i32.wrap_i64 (i64.and (local.get $v) (i64.const 511))) (i32.const 3)))))
              (br_if $fault (i64.eqz (i64.and (local.get $d) (i64.const 3))))
              (local.set $perm (i64.and (local.get $perm) (local.get $d)))))))
      (global.set $walkMemRefs (i64.add (global.get $walkMemRefs) (i64.extend_i32_u (i32.add (local.get $lvl) (i32.const 1)))))
      ;; a leaf above the SL-PTE is larger than 4 KiB: not cached here
      (if (i32.ne (local.get $lvl) (i32.const 3)) (then (return (f64.const -2))))
      (local.set $pa (i64.shr_u (i64.and (local.get $d) (global.get $ADDR)) (i64.const 12)))
      (call $place (local.get $h) (local.get $v) (local.get $pa) (i32.and (i32.wrap_i64 (local.get $perm)) (i32.const 3)))
      (return (f64.convert_i64_u (local.get $pa))))
    (global.set $walkMemRefs (i64.add (global.get $walkMemRefs) (i64.extend_i32_u (i32.add (local.get $lvl) (i32.const 1)))))
    (global.set $walkFaults (i64.add (global.get $walkFaults) (i64.const 1)))
    (f64.const -1))

  ;; translate every frame of the f64 stream at byte offset $s (n frames) inside WebAssembly:
  ;; the sum of the target frames, or the failing result (-1, -2)
  (func (export "run") (param $s i32) (param $n i32) (result f64)
    (local $end i32) (local $sum f64) (local $r f64)
    (local.set $end (i32.add (local.get $s) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $s) (local.get $end)))
        (local.set $r (call $translate (f64.load (local.get $s))))
        (if (f64.lt (local.get $r) (f64.const 0)) (then (return (local.get $r))))
        (local.set $sum (f64.add (local.get $sum) (local.get $r)))
        (local.set $s (i32.add (local.get $s) (i32.const 8)))
        (br $l)))
    (local.get $sum))

  ;; the walk alone (no IOTLB) over the same stream: the sum of the target frames, or -1
  (func (export "walkRun") (param $s i32) (param $n i32) (result f64)
    (local $end i32) (local $sum f64) (local $pfn f64)
    (local.set $end (i32.add (local.get $s) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $s) (local.get $end)))
        (local.set $pfn (f64.load (local.get $s)))
        (if (i32.eqz (i32.and (f64.ge (local.get $pfn) (f64.const 0)) (f64.lt (local.get $pfn) (global.get $limitPfn))))
          (then (return (f64.const -1))))
        (if (i32.eqz (call $walk (i64.trunc_f64_u (local.get $pfn)))) (then (return (f64.const -1))))
        (local.set $sum (f64.add (local.get $sum) (f64.convert_i64_u (global.get $wPa))))
        (local.set $s (i32.add (local.get $s) (i32.const 8)))
        (br $l)))
    (local.get $sum))

  ;; counters, in IotlbStats order: hits, misses, inserts, evictions, walks, walkFaults,
  ;; walkMemRefs, validEntries
  (func (export "stat") (param $k i32) (result f64)
    (f64.convert_i64_u
      (block $v (result i64)
        (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
          (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 (local.get $k)))
          (br $v (global.get $hits)))
          (br $v (global.get $misses)))
          (br $v (global.get $inserts)))
          (br $v (global.get $evictions)))
          (br $v (global.get $walks)))
          (br $v (global.get $walkFaults)))
          (br $v (global.get $walkMemRefs)))
        (global.get $valid))))

  (func (export "resetStats")
    (global.set $hits (i64.const 0))
    (global.set $misses (i64.const 0))
    (global.set $inserts (i64.const 0))
    (global.set $evictions (i64.const 0))
    (global.set $walks (i64.const 0))
    (global.set $walkFaults (i64.const 0))
    (global.set $walkMemRefs (i64.const 0))))
