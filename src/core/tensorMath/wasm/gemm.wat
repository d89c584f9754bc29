;; Matrix-product kernels for GraphStep, in WebAssembly text.
;;
;; scripts/build-wasm.mjs turns this template into four modules (plain and
;; fused kernels, each with an unshared and a shared memory) with the wabt
;; package; `MAC(acc, x, y)` marks the one line that differs:
;;   plain:  acc = acc + x·y   (f64x2.mul then f64x2.add: two roundings)
;;   fused:  acc = x·y + acc   (f64x2.relaxed_madd: one rounding where the CPU has FMA)
;; The `;;@plain` / `;;@fused` lines are kept only in that module.
;;
;; Every element of C is a sum over p = 0, 1, …, k−1 in ascending order,
;; starting from +0, exactly as the JavaScript kernels sum it: only the order
;; of independent elements changes, never the order inside one element's sum.
;;
;; Layouts (addresses in bytes, doubles little-endian):
;;   A(i,p)  = f64 at a + i·ais + p·aps      (any strides: A, Aᵀ)
;;   B       = for column block jb, k runs of 4 doubles: B(p, 4jb+c) at
;;             bp + jb·bjb + p·bstep + c·8. Packed panels (pack, packRows):
;;             bjb = 32k, bstep = 32, zero beyond the last column; a B
;;             stored by rows, n a multiple of 4, read in place: bjb = 32,
;;             bstep = its row's bytes
;;   C(i,j)  = f64 at c + i·8n + j·8: row-major m×n, as the result's array;
;;             the last block of a row, when n is not a multiple of 4, stores
;;             only its n mod 4 columns
(module
  ;;@memory

  ;; dst[(r/4·cols + q)·4 + r%4] = src(r, q) = f64 at src + r·rs + q·cs for
  ;; r < rowsPad (a multiple of 4); rows past `rows` are zero.
  (func (export "pack") (param $src i32) (param $rows i32) (param $cols i32) (param $rs i32) (param $cs i32) (param $dst i32) (param $rowsPad i32)
    (local $r i32) (local $q i32) (local $s i32) (local $d i32)
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rowsPad)))
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $r) (i32.const 2)) (i32.shl (local.get $cols) (i32.const 2)))
                            (i32.and (local.get $r) (i32.const 3))) (i32.const 3))))
        (local.set $q (i32.const 0))
        (if (i32.lt_u (local.get $r) (local.get $rows))
          (then
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
            (block $done
              (loop $col
                (br_if $done (i32.ge_u (local.get $q) (local.get $cols)))
                (f64.store (local.get $d) (f64.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $cs)))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $col))))
          (else
            (block $done
              (loop $col
                (br_if $done (i32.ge_u (local.get $q) (local.get $cols)))
                (f64.store (local.get $d) (f64.const 0))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $col)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; The same panels as pack, from B stored by rows (B(p, j) at src + p·ld + j·8):
  ;; four columns of a row are one 32-byte run, copied as two vectors.
  (func (export "packRows") (param $src i32) (param $k i32) (param $n i32) (param $ld i32) (param $dst i32)
    (local $jb i32) (local $full i32) (local $p i32) (local $s i32) (local $d i32) (local $rem i32) (local $c i32)
    (local.set $full (i32.shr_u (local.get $n) (i32.const 2)))
    (local.set $d (local.get $dst))
    (local.set $jb (i32.const 0))
    (block $panelsDone
      (loop $panel
        (br_if $panelsDone (i32.ge_u (local.get $jb) (local.get $full)))
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $jb) (i32.const 5))))
        (local.set $p (local.get $k))
        (block $done
          (loop $step
            (br_if $done (i32.eqz (local.get $p)))
            (v128.store (local.get $d) (v128.load (local.get $s)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $ld)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $step)))
        (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
        (br $panel)))
    ;; the last panel, when n is not a multiple of 4: its n mod 4 columns, zeros beyond
    (local.set $rem (i32.and (local.get $n) (i32.const 3)))
    (if (local.get $rem)
      (then
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $full) (i32.const 5))))
        (local.set $p (local.get $k))
        (block $done
          (loop $step
            (br_if $done (i32.eqz (local.get $p)))
            (v128.store (local.get $d) (v128.const i64x2 0 0))
            (v128.store offset=16 (local.get $d) (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $colsDone
              (loop $col
                (br_if $colsDone (i32.ge_u (local.get $c) (local.get $rem)))
                (f64.store (i32.add (local.get $d) (i32.shl (local.get $c) (i32.const 3)))
                  (f64.load (i32.add (local.get $s) (i32.shl (local.get $c) (i32.const 3)))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $col)))
            (local.set $s (i32.add (local.get $s) (local.get $ld)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $step))))))

  ;; 1 when each of the n doubles at p is 0 or has 2^-400 ≤ |x| ≤ 2^400 (NaN and ±∞ are not), else 0.
  (func (export "inRange") (param $p i32) (param $n i32) (result i32)
    (local $ok v128) (local $x v128) (local $end i32)
    (local.set $ok (v128.const i64x2 -1 -1))
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (f64x2.abs (v128.load (local.get $p))))
        (local.set $ok (v128.and (local.get $ok)
          (v128.or (f64x2.eq (local.get $x) (v128.const f64x2 0 0))
                   (v128.and (f64x2.ge (local.get $x) (v128.const f64x2 0x1p-400 0x1p-400))
                             (f64x2.le (local.get $x) (v128.const f64x2 0x1p400 0x1p400))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $x (f64x2.abs (v128.load64_splat (local.get $p))))
        (local.set $ok (v128.and (local.get $ok)
          (v128.or (f64x2.eq (local.get $x) (v128.const f64x2 0 0))
                   (v128.and (f64x2.ge (local.get $x) (v128.const f64x2 0x1p-400 0x1p-400))
                             (f64x2.le (local.get $x) (v128.const f64x2 0x1p400 0x1p400))))))))
    (i64x2.all_true (local.get $ok)))

  ;;@fused ;; out[i] = relaxed_madd(x[i], y[i], z[i]) for n pairs of lanes: the start-up check that the madd fuses.
  ;;@fused (func (export "madd") (param $x i32) (param $y i32) (param $z i32) (param $out i32) (param $n i32)
  ;;@fused   (block $done
  ;;@fused     (loop $next
  ;;@fused       (br_if $done (i32.eqz (local.get $n)))
  ;;@fused       (v128.store (local.get $out) (f64x2.relaxed_madd (v128.load (local.get $x)) (v128.load (local.get $y)) (v128.load (local.get $z))))
  ;;@fused       (local.set $x (i32.add (local.get $x) (i32.const 16)))
  ;;@fused       (local.set $y (i32.add (local.get $y) (i32.const 16)))
  ;;@fused       (local.set $z (i32.add (local.get $z) (i32.const 16)))
  ;;@fused       (local.set $out (i32.add (local.get $out) (i32.const 16)))
  ;;@fused       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
  ;;@fused       (br $next))))

  ;; Columns 4jb … 4jb+w−1 of one row of C from a block's two registers (w ≥ 4: all four).
  (func $put (param $pc i32) (param $lo v128) (param $hi v128) (param $w i32)
    (if (i32.ge_u (local.get $w) (i32.const 4))
      (then
        (v128.store (local.get $pc) (local.get $lo))
        (v128.store offset=16 (local.get $pc) (local.get $hi))
        (return)))
    (if (i32.eq (local.get $w) (i32.const 1))
      (then (v128.store64_lane 0 (local.get $pc) (local.get $lo)) (return)))
    (v128.store (local.get $pc) (local.get $lo))
    (if (i32.eq (local.get $w) (i32.const 3))
      (then (v128.store64_lane offset=16 0 (local.get $pc) (local.get $hi)))))

  ;; Rows i0 ≤ i < i1 of C = A·B (n columns, in ⌈n/4⌉ blocks). Four rows at a
  ;; time (8 accumulators of 2 lanes: a 4×4 block of C), then single rows.
  (func (export "gemm") (param $a i32) (param $ais i32) (param $aps i32) (param $bp i32) (param $c i32) (param $k i32) (param $i0 i32) (param $i1 i32) (param $n i32) (param $bjb i32) (param $bstep i32)
    (local $i i32) (local $jb i32) (local $p i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $ldc i32)
    (local $a2 i32) (local $a3 i32) (local $nb i32) (local $w i32)
    (local $x v128) (local $y0 v128) (local $y1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $nb (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (local.set $a2 (i32.shl (local.get $ais) (i32.const 1)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ais)))
    (local.set $i (local.get $i0))
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $i1)))
        (local.set $jb (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $jb) (local.get $nb)))
            (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
            (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
            (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
            (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ais))))
            (local.set $pb (i32.add (local.get $bp) (i32.mul (local.get $jb) (local.get $bjb))))
            (local.set $p (local.get $k))
            (block $innerDone
              (loop $inner
                (br_if $innerDone (i32.eqz (local.get $p)))
                (local.set $y0 (v128.load (local.get $pb)))
                (local.set $y1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load64_splat (local.get $pa)))
                MAC($c00, $x, $y0) MAC($c01, $x, $y1)
                (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $ais))))
                MAC($c10, $x, $y0) MAC($c11, $x, $y1)
                (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $a2))))
                MAC($c20, $x, $y0) MAC($c21, $x, $y1)
                (local.set $x (v128.load64_splat (i32.add (local.get $pa) (local.get $a3))))
                MAC($c30, $x, $y0) MAC($c31, $x, $y1)
                (local.set $pa (i32.add (local.get $pa) (local.get $aps)))
                (local.set $pb (i32.add (local.get $pb) (local.get $bstep)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $inner)))
            (local.set $pc (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $jb) (i32.const 5))))
            (local.set $w (i32.sub (local.get $n) (i32.shl (local.get $jb) (i32.const 2))))
            (if (i32.ge_u (local.get $w) (i32.const 4))
              (then
                ;; a whole block: stored here (a call per row would cost more than the stores)
                (v128.store (local.get $pc) (local.get $c00))
                (v128.store offset=16 (local.get $pc) (local.get $c01))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (v128.store (local.get $pc) (local.get $c10))
                (v128.store offset=16 (local.get $pc) (local.get $c11))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (v128.store (local.get $pc) (local.get $c20))
                (v128.store offset=16 (local.get $pc) (local.get $c21))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (v128.store (local.get $pc) (local.get $c30))
                (v128.store offset=16 (local.get $pc) (local.get $c31)))
              (else
                (call $put (local.get $pc) (local.get $c00) (local.get $c01) (local.get $w))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (call $put (local.get $pc) (local.get $c10) (local.get $c11) (local.get $w))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (call $put (local.get $pc) (local.get $c20) (local.get $c21) (local.get $w))
                (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
                (call $put (local.get $pc) (local.get $c30) (local.get $c31) (local.get $w))))
            (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
            (br $block)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $jb (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $jb) (local.get $nb)))
            (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ais))))
            (local.set $pb (i32.add (local.get $bp) (i32.mul (local.get $jb) (local.get $bjb))))
            (local.set $p (local.get $k))
            (block $innerDone
              (loop $inner
                (br_if $innerDone (i32.eqz (local.get $p)))
                (local.set $x (v128.load64_splat (local.get $pa)))
                MAC($c00, $x, (v128.load (local.get $pb))) MAC($c01, $x, (v128.load offset=16 (local.get $pb)))
                (local.set $pa (i32.add (local.get $pa) (local.get $aps)))
                (local.set $pb (i32.add (local.get $pb) (local.get $bstep)))
                (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                (br $inner)))
            (local.set $pc (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))) (i32.shl (local.get $jb) (i32.const 5))))
            (call $put (local.get $pc) (local.get $c00) (local.get $c01) (i32.sub (local.get $n) (i32.shl (local.get $jb) (i32.const 2))))
            (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
            (br $block)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))
)
