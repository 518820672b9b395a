;; Source text of the WebAssembly module that wasm-dot-kernel.ts assembles (R = 4 images ×
;; K = 2 f64x2 pairs = 4 classes per register block). Not read at runtime: the TypeScript builds
;; the bytes, and wasm-dot-kernel.test.ts assembles this file with wabt (the devDependency
;; `wabt`, wat2wasm's JS build) and requires exactly those bytes. Change both together; to
;; regenerate this text from the bytes: wasm2wat --fold-exprs kernel.wasm
;;
;; Locals: 0 pa0 (first image panel), 1 ipanels, 2 pb0 (first class panel), 3 cpanels,
;; 4 ps0 (score (0, 0)), 5 sstride (bytes per score row), 6 dim, 7 i, 8 c, 9 pa, 10 pb, 11 pend,
;; 12 ps, 13 apanel (bytes), 14 bpanel (bytes), 15 pbc (current class panel),
;; 16-23 acc[r][k] (f64x2), 24 splatted image value, 25-26 class values (f64x2).
(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32)))
  (func (;0;) (type 0) (param i32 i32 i32 i32 i32 i32 i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128)
    (local.set 13
      (i32.mul
        (local.get 6)
        (i32.const 32)))
    (local.set 14
      (i32.mul
        (local.get 6)
        (i32.const 32)))
    (local.set 15
      (local.get 2))
    (loop  ;; label = @1
      (local.set 7
        (i32.const 0))
      (loop  ;; label = @2
        (local.set 9
          (i32.add
            (local.get 0)
            (i32.mul
              (local.get 7)
              (local.get 13))))
        (local.set 10
          (local.get 15))
        (local.set 11
          (i32.add
            (local.get 15)
            (local.get 14)))
        (local.set 16
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 17
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 18
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 19
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 20
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 21
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 22
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set 23
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (loop  ;; label = @3
          (local.set 25
            (v128.load align=8
              (local.get 10)))
          (local.set 26
            (v128.load offset=16 align=8
              (local.get 10)))
          (local.set 24
            (v128.load64_splat
              (local.get 9)))
          (local.set 16
            (f64x2.add
              (local.get 16)
              (f64x2.mul
                (local.get 24)
                (local.get 25))))
          (local.set 17
            (f64x2.add
              (local.get 17)
              (f64x2.mul
                (local.get 24)
                (local.get 26))))
          (local.set 24
            (v128.load64_splat offset=8
              (local.get 9)))
          (local.set 18
            (f64x2.add
              (local.get 18)
              (f64x2.mul
                (local.get 24)
                (local.get 25))))
          (local.set 19
            (f64x2.add
              (local.get 19)
              (f64x2.mul
                (local.get 24)
                (local.get 26))))
          (local.set 24
            (v128.load64_splat offset=16
              (local.get 9)))
          (local.set 20
            (f64x2.add
              (local.get 20)
              (f64x2.mul
                (local.get 24)
                (local.get 25))))
          (local.set 21
            (f64x2.add
              (local.get 21)
              (f64x2.mul
                (local.get 24)
                (local.get 26))))
          (local.set 24
            (v128.load64_splat offset=24
              (local.get 9)))
          (local.set 22
            (f64x2.add
              (local.get 22)
              (f64x2.mul
                (local.get 24)
                (local.get 25))))
          (local.set 23
            (f64x2.add
              (local.get 23)
              (f64x2.mul
                (local.get 24)
                (local.get 26))))
          (local.set 9
            (i32.add
              (local.get 9)
              (i32.const 32)))
          (br_if 0 (;@3;)
            (i32.lt_u
              (local.tee 10
                (i32.add
                  (local.get 10)
                  (i32.const 32)))
              (local.get 11))))
        (local.set 12
          (i32.add
            (i32.add
              (local.get 4)
              (i32.mul
                (i32.mul
                  (local.get 7)
                  (i32.const 4))
                (local.get 5)))
            (i32.mul
              (local.get 8)
              (i32.const 32))))
        (v128.store align=8
          (local.get 12)
          (local.get 16))
        (v128.store offset=16 align=8
          (local.get 12)
          (local.get 17))
        (local.set 12
          (i32.add
            (local.get 12)
            (local.get 5)))
        (v128.store align=8
          (local.get 12)
          (local.get 18))
        (v128.store offset=16 align=8
          (local.get 12)
          (local.get 19))
        (local.set 12
          (i32.add
            (local.get 12)
            (local.get 5)))
        (v128.store align=8
          (local.get 12)
          (local.get 20))
        (v128.store offset=16 align=8
          (local.get 12)
          (local.get 21))
        (local.set 12
          (i32.add
            (local.get 12)
            (local.get 5)))
        (v128.store align=8
          (local.get 12)
          (local.get 22))
        (v128.store offset=16 align=8
          (local.get 12)
          (local.get 23))
        (br_if 0 (;@2;)
          (i32.lt_u
            (local.tee 7
              (i32.add
                (local.get 7)
                (i32.const 1)))
            (local.get 1))))
      (local.set 15
        (i32.add
          (local.get 15)
          (local.get 14)))
      (br_if 0 (;@1;)
        (i32.lt_u
          (local.tee 8
            (i32.add
              (local.get 8)
              (i32.const 1)))
          (local.get 3)))))
  (memory (;0;) 1)
  (export "memory" (memory 0))
  (export "scores" (func 0)))
